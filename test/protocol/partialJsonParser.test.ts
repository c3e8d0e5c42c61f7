import fc from 'fast-check';
import { PartialJsonParser } from '../../src/protocol/partialJsonParser.js';

/** A parser fed `pieces` (without `end()` unless asked). */
function fed(pieces: string[], { end = false } = {}): PartialJsonParser {
  const parser = new PartialJsonParser();
  for (const piece of pieces) parser.push(piece);
  if (end) parser.end();
  return parser;
}

/** A reading's value or error message, comparable with toStrictEqual. */
function outcome(read: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: read() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** `text` cut at `cuts` (positions taken modulo its length). */
const split = (text: string, cuts: number[]): string[] => {
  const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...positions].map((start, i, all) => text.slice(start, all[i + 1] ?? text.length));
};

describe('PartialJsonParser', () => {
  describe('fails at the first wrong character, counted over all the pieces, keeping the text', () => {
    it.each([
      [['[1, ', ' +2]'], '"+" where a value was expected at character 6'],
      [['[1,', ' .5]'], '"." where a value was expected at character 5'],
      [['[', ' ,1]'], '"," where a value was expected at character 3'],
      [['[', ' /]'], '"/" where a value was expected at character 3'],
      [['[1, ', ' :]'], '":" where a value was expected at character 6'],
      [['{"a": 1, ', ' b: 2}'], '"b" where a key in double quotes was expected at character 11'],
      [['{"a": 1, "b"', ' 2}'], `"2" where ':' was expected at character 14`],
      [['[1', ' 2]'], `"2" where ',' or ']' was expected at character 4`],
      [['{"a": 1', ' "b"}'], `"\\"" where ',' or '}' was expected at character 9`],
      [['["ab', 'c\u0001"]'], 'a control character inside a string at character 6'],
      [['{"a": 1, "b": 2, ', '"a": 3}'], 'a duplicate key "a" at character 20'],
      [['["ab', 'c\\q"]'], 'an unknown escape \\q at character 7'],
      [['["a', 'b\\u00', '4g"]'], 'a bad unicode escape \\u004g at character 10'],
      [['["ab', '\\u0G00"]'], 'a bad unicode escape \\u0G at character 8'],
      [['["ab', '\\u:000"]'], 'a bad unicode escape \\u: at character 7'],
      [['["ab', '\\u/000"]'], 'a bad unicode escape \\u/ at character 7'],
      [['["ab', '\\u@000"]'], 'a bad unicode escape \\u@ at character 7'],
      [['["ab', '\\u`000"]'], 'a bad unicode escape \\u` at character 7'],
      [['[nul', 'z]'], '"nulz" where null was expected at character 2'],
      [['[1, tr]'], '"tr" where true was expected at character 5'],
      [['{"a": 1}', ' x'], 'more text after the JSON value at character 10'],
      [['[1', '.e5]'], '"1.e5", which is not a number, at character 2'],
    ])('%j: %s', (pieces, what) => {
      const text = pieces.join('');
      expect(() => fed(pieces, { end: true })).toThrow(
        expect.objectContaining({
          name: 'OllamaError',
          kind: 'protocol',
          message: `the answer is not JSON: ${what} of ${JSON.stringify(text)}`,
          partialText: text,
        }),
      );
    });

    it.each([
      [['[tru'], 'ended before its JSON value was complete: "[tru"'],
      [['{"a": [1, 2'], 'ended before its JSON value was complete: "{\\"a\\": [1, 2"'],
      [[' ', '\n'], 'is empty, not JSON: " \\n"'],
    ])('at the end, %j %s', (pieces, what) => {
      expect(() => fed(pieces).end()).toThrow(
        expect.objectContaining({ kind: 'protocol', message: `the answer ${what}`, partialText: pieces.join('') }),
      );
    });

    it('rejects a literal the moment it cannot be spelled any more, not at the next comma', () => {
      const parser = fed(['[tr']);
      expect(() => parser.push('ux')).toThrow('"trux" where true was expected at character 2');
    });
  });

  describe('snapshots', () => {
    it('are undefined until something can be shown, then grow, and are the value once it is complete', () => {
      const parser = fed([' ']);
      expect(parser.snapshot()).toBeUndefined();
      expect(parser.changed).toBe(false);
      parser.push('{"a"');
      expect(parser.changed).toBe(true);
      expect(parser.snapshot()).toEqual({});
      parser.push(': [1, ');
      expect(parser.snapshot()).toEqual({ a: [1] });
      parser.push('2]}');
      expect(parser.complete).toBe(true);
      expect(parser.snapshot()).toBe(parser.value);
      expect(parser.value).toEqual({ a: [1, 2] });
    });

    it('show a literal once spelled out, and nothing new when a string or container closes', () => {
      const parser = fed(['[tr']);
      parser.snapshot();
      expect(parser.changed).toBe(false);
      parser.push('ue');
      expect(parser.changed).toBe(true);
      expect(parser.snapshot()).toEqual([true]);
      parser.push(', "ab');
      expect(parser.snapshot()).toEqual([true, 'ab']);
      parser.push('"');
      expect(parser.changed).toBe(false);
      parser.push(']');
      expect(parser.changed).toBe(false);
      expect(parser.value).toEqual([true, 'ab']);
    });

    it('hold back exactly a high surrogate (U+D800–U+DBFF) at the end of what arrived', () => {
      for (const [code, held] of [
        [0xd7ff, false],
        [0xd800, true],
        [0xdbff, true],
        [0xdc00, false],
        [0xff01, false],
      ] as const) {
        const character = String.fromCharCode(code);
        const parser = fed([`["a${character}`]);
        expect(parser.snapshot()).toEqual([held ? 'a' : `a${character}`]);
        // A string that ends on it shows it then: nothing is lost, and that is growth.
        parser.push('"');
        expect(parser.changed).toBe(held);
        expect(parser.snapshot()).toEqual([`a${character}`]);
      }
    });

    it('read upper-case exponents as numbers', () => {
      expect(fed(['[1E5, 2', 'E-1, 3e+1]'], { end: true }).value).toEqual([1e5, 0.2, 30]);
    });

    it('keep "__proto__" an ordinary own property: enumerable, writable and configurable, as JSON.parse does', () => {
      const { value } = fed(['{"__proto__": 1}'], { end: true });
      expect(Object.getOwnPropertyDescriptor(value, '__proto__')).toEqual(
        Object.getOwnPropertyDescriptor(JSON.parse('{"__proto__": 1}'), '__proto__'),
      );
    });
  });

  it('property: on any text near JSON, in any pieces, it fails exactly where JSON.parse fails, and agrees on the value', () => {
    // JSON's own characters and its near misses, to corrupt a valid text with.
    const insertions = fc.constantFrom(
      ...['', '{', '}', '[', ']', '"', ':', ',', '\\', '\\u', '\\u00', ' ', '\n', '\u0001'],
      ...['t', 'f', 'n', 'u', 'l', 'e', 'E', 'x', '0', '1', '-', '+', '.', '/', 'G', 'a', '@', '`'],
    );
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(undefined, 1),
        fc.record({ at: fc.nat(), remove: fc.nat({ max: 2 }), insert: insertions }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (json, indent, edit, cuts) => {
          const valid = JSON.stringify(json, null, indent);
          const at = edit.at % (valid.length + 1);
          const text = valid.slice(0, at) + edit.insert + valid.slice(at + edit.remove);
          const ours = outcome(() => fed(split(text, cuts), { end: true }).value);
          const theirs = outcome(() => JSON.parse(text) as unknown);
          // The one deliberate difference: JSON.parse keeps the last of a duplicate key.
          if ('error' in ours && ours.error.includes('a duplicate key')) return;
          if ('value' in theirs) expect(ours).toStrictEqual(theirs);
          else expect(ours).toHaveProperty('error');
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
