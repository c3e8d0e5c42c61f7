import { OllamaError } from '../core/errors.js';
import { preview } from '../core/describe.js';
import { redactText } from '../core/redact.js';

const NEWLINE = 0x0a;
const STREAM = { stream: true };

/** Longest line accepted before the stream is failed as a protocol error: memory stays bounded. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/**
 * Whole lines read together are parsed in one `JSON.parse` call from this size on. One call per line
 * costs more than the parse of a ~100-byte token line itself; one call for a read's hundreds of
 * lines costs ~12% less in all (measured on Node 20). Below ~2 kB (~20 lines) the batch's own work
 * — counting the lines, joining them into an array — costs more than it saves.
 */
const BATCH_MIN_BYTES = 4 * 1024;
/** At most this much text is parsed in one call, so that a huge read does not hold all of its values at once. */
const BATCH_MAX_BYTES = 256 * 1024;

/**
 * Splits NDJSON bytes into lines for any TCP read boundaries, and parses each line's JSON. A newline
 * byte never occurs inside a multi-byte UTF-8 character, so everything up to the last newline of a
 * read decodes in one call; only the tail after it is held back.
 *
 * The decoder runs in streaming mode, which on Node 20 is ICU's converter and decodes ~40% faster
 * than the one-shot path. Every piece it gets ends with its newline, which completes (or, in broken
 * UTF-8, replaces) any partial character, so nothing is ever carried from one piece to the next.
 */
export class NdjsonParser {
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private readonly decoder = new TextDecoder();

  /** `secrets` are redacted from a bad line before its preview is cut from it (see `parseLine`). */
  constructor(
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    private readonly secrets: readonly string[] = [],
  ) {}

  /** Calls `onValue` with each complete line's value, in order; throws a `protocol` error at a line that is not JSON. */
  push(bytes: Uint8Array, onValue: (value: unknown) => void): void {
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      this.hold(bytes);
      return;
    }
    let start = 0;
    if (this.heldBytes > 0) {
      // Only the line begun in an earlier read is joined (copied), not the whole of this read.
      start = bytes.indexOf(NEWLINE) + 1;
      this.parseLines(this.decode(this.takeHeld(bytes.subarray(0, start))), onValue);
    }
    this.parseWholeLines(view(bytes, start, lastNewline + 1), onValue);
    if (lastNewline + 1 < bytes.length) this.hold(bytes.subarray(lastNewline + 1));
  }

  /** The last line may lack its newline. */
  end(onValue: (value: unknown) => void): void {
    this.parseLines(this.decoder.decode(this.takeHeld(new Uint8Array(0))), onValue);
  }

  private decode(piece: Uint8Array): string {
    return this.decoder.decode(piece, STREAM);
  }

  /** `bytes` ends with a newline. */
  private parseWholeLines(bytes: Uint8Array, onValue: (value: unknown) => void): void {
    for (let start = 0; start < bytes.length;) {
      let end = bytes.length;
      if (end - start > BATCH_MAX_BYTES) {
        end = bytes.lastIndexOf(NEWLINE, start + BATCH_MAX_BYTES - 1) + 1;
        // One line longer than a batch: it goes alone, and the line-by-line path checks its length.
        if (end <= start) end = bytes.indexOf(NEWLINE, start + BATCH_MAX_BYTES) + 1;
      }
      this.parseText(this.decode(view(bytes, start, end)), end - start, onValue);
      start = end;
    }
  }

  /** `text`, decoded from `byteLength` bytes, ends with a newline. */
  private parseText(text: string, byteLength: number, onValue: (value: unknown) => void): void {
    // A batch no longer than the line limit cannot hold a line that exceeds it.
    if (byteLength >= BATCH_MIN_BYTES && byteLength <= this.maxLineBytes) this.parseBatch(text, onValue);
    else this.parseLines(text, onValue);
  }

  /**
   * Parses many lines as the elements of one JSON array: newlines become commas. That array holds
   * exactly one element per line only if every line is one JSON value — a blank line makes an empty
   * element (a syntax error), a line of two comma-separated values makes two — so any other count,
   * or a syntax error, sends the text through the line-by-line path, which finds the line at fault
   * after delivering every line before it.
   */
  private parseBatch(text: string, onValue: (value: unknown) => void): void {
    let lines = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
    let values: unknown[] | undefined;
    try {
      values = JSON.parse(`[${text.slice(0, -1).replaceAll('\n', ',')}]`) as unknown[];
    } catch {
      values = undefined;
    }
    if (values?.length !== lines) return this.parseLines(text, onValue);
    for (const value of values) onValue(value);
  }

  private parseLines(text: string, onValue: (value: unknown) => void): void {
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      if (end - start > this.maxLineBytes) throw lineTooLong(this.maxLineBytes);
      if (!isBlank(text, start, end)) onValue(parseLine(text.slice(start, end), this.secrets));
      start = end + 1;
    }
  }

  private hold(bytes: Uint8Array): void {
    this.heldBytes += bytes.length;
    if (this.heldBytes > this.maxLineBytes) throw lineTooLong(this.maxLineBytes);
    // Copied: a transport may reuse the buffer it handed us.
    this.held.push(bytes.slice());
  }

  private takeHeld(tail: Uint8Array): Uint8Array {
    const joined = new Uint8Array(this.heldBytes + tail.length);
    let offset = 0;
    for (const part of this.held) {
      joined.set(part, offset);
      offset += part.length;
    }
    joined.set(tail, offset);
    this.held = [];
    this.heldBytes = 0;
    return joined;
  }
}

/**
 * `bytes` from `start` to `end`: itself when that is all of it — every read on Ollama's wire at a
 * model's pace is whole lines — since a new view costs as much as a short line's parse.
 */
function view(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
}

function parseLine(line: string, secrets: readonly string[]): unknown {
  try {
    return JSON.parse(line);
  } catch {
    // Redacted before the preview cuts it (a split secret would no longer match), and the cause is
    // the parser's error for the redacted line: V8's message quotes the line's first characters.
    const shown = redactText(line, secrets);
    throw new OllamaError('protocol', `Ollama sent a line that is not JSON: ${preview(shown)}`, { cause: syntaxErrorOf(shown) });
  }
}

function syntaxErrorOf(text: string): unknown {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return error;
  }
}

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x0d && code !== 0x09) return false;
  }
  return true;
}

function lineTooLong(max: number): OllamaError {
  return new OllamaError('protocol', `Ollama sent a line longer than ${max} bytes; the stream was stopped to bound memory`);
}
