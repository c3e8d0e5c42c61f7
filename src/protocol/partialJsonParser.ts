import { OllamaError } from '../core/errors.js';
import { preview } from '../core/describe.js';
import { TextBuffer } from '../core/textBuffer.js';
import { ESCAPES, LITERALS, NUMBER, insertInto, isAtomChar, isHexDigit, isHighSurrogate, isWhitespace } from './jsonLexicon.js';
import type { Container, OpenAtom, OpenContainer, OpenString } from './jsonLexicon.js';

const NOTHING = Symbol('nothing');

/**
 * A JSON parser fed text piece by piece, which can show at any moment the value read so far:
 * objects with the keys whose values have begun, arrays with the elements that have begun, strings
 * as far as they go, and numbers and literals only once complete (`12` is never shown for `123`).
 *
 * Each character is read once, so a whole answer costs one pass. A snapshot copies only the
 * containers still open (the path to the value being read); closed containers are never written
 * again and are shared between snapshots.
 */
export class PartialJsonParser {
  private readonly stack: OpenContainer[] = [];
  private string: OpenString | undefined;
  private atom: OpenAtom | undefined;
  private root: unknown = NOTHING;
  private position = 0;
  private readonly received = new TextBuffer();
  /** Whether the visible value grew since the last snapshot. */
  private grew = false;

  /** Whether the top-level value is complete. */
  get complete(): boolean {
    return this.root !== NOTHING;
  }

  /** Whether a snapshot now would show more than the last one. */
  get changed(): boolean {
    return this.grew;
  }

  /** Everything pushed so far. */
  get text(): string {
    return this.received.text();
  }

  /** The whole value; only once `complete`. */
  get value(): unknown {
    return this.root;
  }

  /** Reads more of the text; throws a `protocol` OllamaError at the first character that is not JSON. */
  push(text: string): void {
    // Kept only to quote in an error message.
    this.received.add(text);
    let i = 0;
    while (i < text.length) {
      if (this.string) {
        i = this.readString(text, i);
        continue;
      }
      const code = text.charCodeAt(i);
      if (this.atom) {
        if (isAtomChar(code)) {
          i = this.readAtom(text, i);
          continue;
        }
        this.finishAtom();
      }
      i = this.readStructure(text, i, code);
    }
    this.position += text.length;
  }

  /** The end of the text: a top-level number completes here; anything still open is an error. */
  end(): void {
    if (this.atom && this.stack.length === 0) this.finishAtom();
    if (!this.complete) {
      const received = this.text;
      const what = received.trim() ? 'ended before its JSON value was complete' : 'is empty, not JSON';
      throw new OllamaError('protocol', `the answer ${what}: ${preview(received)}`, { partialText: received });
    }
  }

  /** The value read so far, or undefined before anything can be shown. Marks the growth as seen. */
  snapshot(): unknown {
    this.grew = false;
    if (this.root !== NOTHING) return this.root;
    let child: unknown = this.string && !this.string.isKey ? this.string.text : NOTHING;
    for (let depth = this.stack.length - 1; depth >= 0; depth--) {
      const open = this.stack[depth]!;
      const copy: Container = open.isArray ? (open.value as unknown[]).slice() : { ...open.value };
      if (child !== NOTHING) insertInto(copy, open, child);
      child = copy;
    }
    return child === NOTHING ? undefined : child;
  }

  private readString(text: string, start: number): number {
    const string = this.string!;
    if (string.escape) return this.readEscape(text, start);
    let i = start;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22 || code === 0x5c || code < 0x20) break;
      i++;
    }
    this.appendToString(text.slice(start, i));
    if (i === text.length) return i;
    const code = text.charCodeAt(i);
    if (code === 0x5c) {
      string.escape = '\\';
      return this.readEscape(text, i + 1);
    }
    if (code !== 0x22) this.fail(this.position + i, 'a control character inside a string');
    this.string = undefined;
    const whole = string.text + string.held;
    if (string.isKey) {
      const container = this.top()!;
      if (Object.prototype.hasOwnProperty.call(container.value, whole))
        this.fail(this.position + i, `a duplicate key ${JSON.stringify(whole)}`);
      container.key = whole;
      container.expect = 'colon';
    } else {
      // The text shown so far is the whole string, unless it ends in half a surrogate pair.
      this.completeValue(whole, string.held !== '');
    }
    return i + 1;
  }

  /** Continues an escape sequence split by a chunk boundary (`\\`, `\\u00`, …). */
  private readEscape(text: string, start: number): number {
    const string = this.string!;
    let i = start;
    while (i < text.length) {
      const escape = (string.escape += text[i]);
      i++;
      if (escape.length === 2) {
        const simple = ESCAPES[escape[1]!];
        if (simple !== undefined) return this.endEscape(simple, i);
        if (escape[1] !== 'u') this.fail(this.position + i - 1, `an unknown escape ${escape}`);
        continue;
      }
      if (!isHexDigit(text.charCodeAt(i - 1))) this.fail(this.position + i - 1, `a bad unicode escape ${escape}`);
      if (escape.length === 6) return this.endEscape(String.fromCharCode(parseInt(escape.slice(2), 16)), i);
    }
    return i;
  }

  private endEscape(character: string, next: number): number {
    this.string!.escape = '';
    this.appendToString(character);
    return next;
  }

  /** `piece` is short (a chunk's part, or one escaped character): only it is read, never `text`. */
  private appendToString(piece: string): void {
    const string = this.string!;
    const next = string.held + piece;
    // Half a surrogate pair is held back: not shown, so not growth either.
    string.held = isHighSurrogate(next.charCodeAt(next.length - 1)) ? next.slice(-1) : '';
    const shown = string.held ? next.slice(0, -1) : next;
    if (!shown) return;
    string.text += shown;
    if (!string.isKey) this.grew = true;
  }

  private readAtom(text: string, start: number): number {
    let i = start;
    while (i < text.length && isAtomChar(text.charCodeAt(i))) i++;
    const atom = this.atom!;
    atom.text += text.slice(start, i);
    if (atom.literal !== undefined) {
      if (!atom.literal.startsWith(atom.text)) this.fail(atom.start, `${preview(atom.text)} where ${atom.literal} was expected`);
      // A literal is whole once spelled out: shown now rather than at the next comma.
      if (atom.text === atom.literal) this.finishAtom();
    }
    return i;
  }

  private finishAtom(): void {
    const { text, literal, start } = this.atom!;
    this.atom = undefined;
    if (literal !== undefined) {
      if (text !== literal) this.fail(start, `${preview(text)} where ${literal} was expected`);
      this.completeValue(LITERALS[literal], true);
    } else {
      if (!NUMBER.test(text)) this.fail(start, `${preview(text)}, which is not a number,`);
      this.completeValue(Number(text), true);
    }
  }

  /** Brackets, commas, colons and the first character of every value; returns where reading goes on. */
  private readStructure(text: string, i: number, code: number): number {
    if (isWhitespace(code)) return i + 1;
    if (this.root !== NOTHING) this.fail(this.position + i, 'more text after the JSON value');
    const container = this.top();
    if (!container || container.expect === 'value') return this.beginValue(text, i, code);
    const closing = container.isArray ? 0x5d : 0x7d;
    switch (container.expect) {
      case 'first':
        if (code === closing) return this.close(i);
        return container.isArray ? this.beginValue(text, i, code) : this.beginKey(text, i, code);
      case 'key':
        return this.beginKey(text, i, code);
      case 'colon':
        if (code !== 0x3a) this.fail(this.position + i, `${preview(text[i])} where ':' was expected`);
        container.expect = 'value';
        return i + 1;
      case 'commaOrEnd':
        if (code === closing) return this.close(i);
        if (code !== 0x2c) this.fail(this.position + i, `${preview(text[i])} where ',' or '${String.fromCharCode(closing)}' was expected`);
        container.expect = container.isArray ? 'value' : 'key';
        return i + 1;
    }
  }

  private beginKey(text: string, i: number, code: number): number {
    if (code !== 0x22) this.fail(this.position + i, `${preview(text[i])} where a key in double quotes was expected`);
    this.string = { isKey: true, text: '', held: '', escape: '' };
    return i + 1;
  }

  private beginValue(text: string, i: number, code: number): number {
    const character = text[i]!;
    if (code === 0x22) {
      this.string = { isKey: false, text: '', held: '', escape: '' };
      this.grew = true;
      return i + 1;
    }
    if (code === 0x7b || code === 0x5b) {
      this.stack.push({ value: code === 0x5b ? [] : {}, isArray: code === 0x5b, key: '', expect: 'first' });
      this.grew = true;
      return i + 1;
    }
    const literal = character === 't' ? 'true' : character === 'f' ? 'false' : character === 'n' ? 'null' : undefined;
    if (literal === undefined && code !== 0x2d && !(code >= 0x30 && code <= 0x39)) {
      this.fail(this.position + i, `${preview(character)} where a value was expected`);
    }
    // Not consumed: push() reads the atom's whole run of characters at once.
    this.atom = { text: '', literal, start: this.position + i };
    return i;
  }

  private close(i: number): number {
    const closed = this.stack.pop()!;
    // Closing shows nothing new: everything inside was shown as it arrived.
    this.completeValue(closed.value, false);
    return i + 1;
  }

  /** A value is whole: into its container, or it is the answer. */
  private completeValue(value: unknown, showsMore: boolean): void {
    if (showsMore) this.grew = true;
    const container = this.top();
    if (!container) {
      this.root = value;
      return;
    }
    insertInto(container.value, container, value);
    container.expect = 'commaOrEnd';
  }

  private top(): OpenContainer | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** `at` is an index into the whole text. */
  private fail(at: number, what: string): never {
    const received = this.text;
    throw new OllamaError('protocol', `the answer is not JSON: ${what} at character ${at + 1} of ${preview(received)}`, {
      partialText: received,
    });
  }
}
