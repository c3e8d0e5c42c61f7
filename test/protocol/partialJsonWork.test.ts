// Issue 21: partialJson was quadratic in a string value's length. Reading a character of a string that
// grew by `+=` makes V8 flatten (copy) the whole string, so the work the parser does is counted here as
// the length of every string whose characters it reads: linear in the text, whatever the chunking.
import { PartialJsonParser } from '../../src/protocol/partialJsonParser.js';

const READERS = [
  'charCodeAt',
  'codePointAt',
  'at',
  'slice',
  'substring',
  'startsWith',
  'endsWith',
  'indexOf',
  'lastIndexOf',
  'includes',
] as const;

/**
 * Characters of every string longer than `longest` whose characters `run` reads through a String
 * method: the pieces themselves are read character by character, which is linear.
 */
function charactersRead(longest: number, run: () => void): number {
  const originals = READERS.map((name) => [name, String.prototype[name]] as const);
  let total = 0;
  for (const [name, original] of originals) {
    (String.prototype as unknown as Record<string, unknown>)[name] = function (this: string, ...args: unknown[]) {
      if (this.length > longest) total += this.length;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  try {
    run();
  } finally {
    for (const [name, original] of originals) (String.prototype as unknown as Record<string, unknown>)[name] = original;
  }
  return total;
}

/** Parses the pieces, taking a snapshot after each as partialJson does. */
function parse(pieces: readonly string[]): void {
  const parser = new PartialJsonParser();
  for (const piece of pieces) {
    parser.push(piece);
    if (parser.changed) parser.snapshot();
  }
  parser.end();
}

const piecesOf = (text: string, size: number) =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

const documents: Record<string, (n: number) => string> = {
  'a long string': (n) => JSON.stringify({ answer: 'x'.repeat(n) }),
  'a long string of escapes and pairs': (n) => JSON.stringify({ answer: '\n"é😀'.repeat(n / 5) }),
  'a long key': (n) => `{${JSON.stringify('k'.repeat(n))}: 1}`,
  'a long number': (n) => `[${'1'.repeat(n)}]`,
  'sections of text': (n) =>
    JSON.stringify({ sections: Array.from({ length: 8 }, (_, i) => ({ title: `s${i}`, body: 'word '.repeat(n / 40) })) }),
};

describe('partialJson reads each character a bounded number of times', () => {
  it.each(Object.entries(documents))('%s, in 1-, 7- and 64-character pieces', (_name, make) => {
    for (const size of [1, 7, 64]) {
      const text = make(20_000);
      const pieces = piecesOf(text, size);
      // Linear: a few reads per character (one for the finished value). Quadratic work reads thousands.
      expect(charactersRead(4 * size + 16, () => parse(pieces)) / text.length).toBeLessThan(4);
    }
  });
});
