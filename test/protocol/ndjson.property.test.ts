import fc from 'fast-check';
import { decodeChatLine, decodeGenerateLine } from '../../src/protocol/lines.js';
import { NdjsonParser } from '../../src/protocol/ndjson.js';
import type { StreamChunk } from '../../src/core/types.js';
import { loopback } from '../integration/faults/support.js';
import { settle } from '../helpers.js';

/** Text of any code points: 1- to 4-byte UTF-8, lone surrogates (JSON escapes them), newlines, quotes. */
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('', '\n', '"\\', 'é', '日本', '👋🏽', '\u2028'));

/** A valid NDJSON body of `/api/generate` or `/api/chat`, as Ollama or a proxy may frame it. */
const body = fc
  .record({
    chat: fc.boolean(),
    texts: fc.array(text, { maxLength: 12 }),
    crlf: fc.boolean(),
    blankLines: fc.array(fc.constantFrom('', ' ', '\t', '\r'), { maxLength: 3 }),
    finalNewline: fc.boolean(),
  })
  .map(({ chat, texts, crlf, blankLines, finalNewline }) => {
    const line = (content: string, done: boolean) =>
      JSON.stringify(
        chat
          ? { model: 'm', created_at: '2026-01-01T00:00:00.1Z', message: { role: 'assistant', content }, done }
          : { model: 'm', created_at: '2026-01-01T00:00:00.1Z', response: content, done },
      );
    const lines = [...texts.map((t) => line(t, false)), line('', true)];
    // Blank lines go between every pair of lines; each line ends in \n or \r\n, the last one maybe not at all.
    const eol = crlf ? '\r\n' : '\n';
    const framed = lines.map((l, i) => (i === lines.length - 1 && !finalNewline ? l : l + eol + blankLines.map((b) => b + eol).join('')));
    return { chat, bytes: new TextEncoder().encode(framed.join('')), lines };
  });

/** Cut points anywhere in the bytes: inside lines, inside multi-byte characters, at every byte. */
const cutsOf = (length: number) =>
  fc.oneof(
    fc.array(fc.nat({ max: Math.max(0, length) }), { maxLength: 20 }).map((cuts) => [...new Set(cuts)].sort((a, b) => a - b)),
    fc.constant(Array.from({ length }, (_, i) => i)),
  );

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  return [0, ...cuts, bytes.length].slice(1).map((end, i, ends) => bytes.slice(i === 0 ? 0 : ends[i - 1], end));
}

/** What `ndjsonRequest` does with the bytes: split into lines, parse, decode. */
function decode(pieces: Uint8Array[], chat: boolean): StreamChunk[] {
  const parser = new NdjsonParser();
  const chunks: StreamChunk[] = [];
  const onValue = (value: unknown) => chunks.push((chat ? decodeChatLine : decodeGenerateLine)(value));
  for (const piece of pieces) parser.push(piece, onValue);
  parser.end(onValue);
  return chunks;
}

describe('NDJSON decoding', () => {
  it('decodes any split of any valid body to the same chunks as the whole body, which are its lines', () => {
    fc.assert(
      fc.property(
        body.chain((b) => cutsOf(b.bytes.length).map((cuts) => ({ ...b, cuts }))),
        ({ chat, bytes, lines, cuts }) => {
          const whole = decode([bytes], chat);
          expect(whole).toEqual(lines.map((line) => (chat ? decodeChatLine : decodeGenerateLine)(JSON.parse(line))));
          expect(decode(split(bytes, cuts), chat)).toEqual(whole);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('keeps a multi-byte character whole when every byte arrives alone', () => {
    const bytes = new TextEncoder().encode('{"response":"ü日👋🏽","done":true}');
    const oneByOne = split(
      bytes,
      Array.from({ length: bytes.length }, (_, i) => i),
    );
    expect(decode(oneByOne, false)).toEqual([{ text: 'ü日👋🏽', done: true }]);
  });
});

describe('NDJSON decoding end to end, through TCP', () => {
  const loop = loopback({}, { maxConnections: 2 });

  it('streams any split of any body, written piece by piece, as the chunks of the whole body', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        body.chain((b) => fc.array(fc.nat({ max: b.bytes.length }), { maxLength: 8 }).map((cuts) => ({ ...b, cuts }))),
        async ({ chat, bytes, cuts }) => {
          const model = `split-${run++}`;
          const pieces = split(
            bytes,
            [...new Set(cuts)].sort((a, b) => a - b),
          );
          loop.server.setModel(model, { faults: { raw: pieces, rawDelayMs: 1 } });
          const source = chat ? loop.client.chat$([{ role: 'user', content: 'x' }], { model }) : loop.client.generate$('x', { model });
          const { values, error, completed } = await settle<StreamChunk>(source);
          expect(error).toBeUndefined();
          expect(completed).toBe(true);
          expect(values).toEqual(decode([bytes], chat));
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** What a line-by-line reader makes of a body: every non-blank line's value, up to the first line that is not JSON. */
function lineByLine(body: string): { values: unknown[]; badLine?: string } {
  const values: unknown[] = [];
  for (const line of body.split('\n')) {
    if (!line.trim()) continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      return { values, badLine: line };
    }
  }
  return { values };
}

function parse(pieces: Uint8Array[]): { values: unknown[]; error?: unknown } {
  const parser = new NdjsonParser();
  const values: unknown[] = [];
  try {
    for (const piece of pieces) parser.push(piece, (value) => values.push(value));
    parser.end((value) => values.push(value));
  } catch (error) {
    return { values, error };
  }
  return { values };
}

describe('NDJSON parsing of many lines read together (one JSON.parse per batch)', () => {
  const token = fc.string({ maxLength: 30 }).map((response) => JSON.stringify({ model: 'm', response, done: false }));
  /** Lines a broken server or proxy may send: each alone is not one JSON value, but some join with their neighbours into one. */
  const broken = fc.constantFrom('{"a":1},{"b":2}', '{"a":', '1}', '[1', '2]', '3,4', 'nul', '}', ',', '"x', '{"a":1}{"b":2}', '<html>');
  /**
   * Token lines and at most one odd line, blank or broken: a batch holding one odd line must find it,
   * and a second could only hide it (a blank line's syntax error sends the whole batch line by line).
   */
  const manyLines = fc
    .record({
      lines: fc.array(token, { minLength: 50, maxLength: 400 }),
      odd: fc.option(fc.tuple(fc.oneof(broken, fc.constantFrom('', ' ', '\r', '\t')), fc.nat()), { nil: undefined }),
      crlf: fc.boolean(),
    })
    .map(({ lines, odd, crlf }) => {
      if (odd) lines.splice(odd[1] % lines.length, 0, odd[0]);
      return lines.map((line) => line + (crlf && line ? '\r' : '')).join('\n') + '\n';
    });

  it('delivers what a line-by-line reader would, and fails at the same line, for any framing', () => {
    fc.assert(
      fc.property(
        manyLines.chain((body) => fc.array(fc.nat({ max: body.length }), { maxLength: 6 }).map((cuts) => ({ body, cuts }))),
        ({ body, cuts }) => {
          const bytes = new TextEncoder().encode(body);
          const expected = lineByLine(body);
          for (const pieces of [
            [bytes],
            split(
              bytes,
              [...new Set(cuts)].sort((a, b) => a - b),
            ),
          ]) {
            const { values, error } = parse(pieces);
            expect(values).toEqual(expected.values);
            if (expected.badLine === undefined) expect(error).toBeUndefined();
            else expect(error).toMatchObject({ kind: 'protocol', message: expect.stringContaining('not JSON') });
          }
        },
      ),
      // Shrinking hundreds of lines takes minutes; the first counterexample is already readable.
      { numRuns: 300, endOnFailure: true },
    );
  });

  it('a line of two JSON values joined by a comma is an error, not two values', () => {
    const lines = Array.from({ length: 300 }, (_, i) => JSON.stringify({ response: `t${i}`, done: false }));
    lines[60] = '{"response":"a","done":false},{"response":"b","done":false}';
    const { values, error } = parse([new TextEncoder().encode(lines.join('\n') + '\n')]);
    expect(values).toHaveLength(60);
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringContaining('{\\"response\\":\\"a\\"') });
  });

  it('a read larger than a batch, and a line larger than a batch in it, arrive whole and in order', () => {
    const short = Array.from({ length: 5_000 }, (_, i) => JSON.stringify({ response: `token ${i}`, done: false }));
    const long = JSON.stringify({ response: 'x'.repeat(300 * 1024), done: false });
    const lines = [...short.slice(0, 2_500), long, ...short.slice(2_500)];
    const { values, error } = parse([new TextEncoder().encode(lines.join('\n') + '\n')]);
    expect(error).toBeUndefined();
    expect(values).toEqual(lines.map((line) => JSON.parse(line)));
  });

  it('parses a large read at most 256 kB at a time, a longer line alone, so that it never holds all its values at once', () => {
    const batchMax = 256 * 1024;
    /** A line of exactly `bytes` bytes, its newline included. */
    const lineOf = (bytes: number) => `{"r":"${'x'.repeat(bytes - 9)}"}\n`;
    // Lines end 50 bytes before the batch limit and exactly at it: the first batch must stop at the former.
    const lines = [...Array.from({ length: 1_000 }, () => lineOf(262)), lineOf(batchMax - 262_000 - 50), lineOf(51)];
    lines.push(lineOf(300 * 1024), ...Array.from({ length: 3_000 }, () => lineOf(300)));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const values: unknown[] = [];
      new NdjsonParser().push(new TextEncoder().encode(lines.join('')), (value) => values.push(value));
      expect(values).toEqual(lines.map((line) => JSON.parse(line)));
      const texts = parse.mock.calls.map(([text]) => text);
      expect(texts[0]).toHaveLength(batchMax - 50 + 1);
      expect(texts).toContain(`[${lines[1_002]!.slice(0, -1)}]`);
      for (const text of texts) if (!text.includes(lines[1_002]!.slice(0, -1))) expect(text.length).toBeLessThanOrEqual(batchMax + 1);
    } finally {
      parse.mockRestore();
    }
  });

  it('a line over the line limit inside a large read fails, after the lines before it', () => {
    const parser = new NdjsonParser(1_000);
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ response: `t${i}`, done: false }));
    lines[150] = JSON.stringify({ response: 'x'.repeat(2_000), done: false });
    const values: unknown[] = [];
    expect(() => parser.push(new TextEncoder().encode(lines.join('\n') + '\n'), (value) => values.push(value))).toThrow(
      'longer than 1000 bytes',
    );
    expect(values).toHaveLength(150);
  });
});
