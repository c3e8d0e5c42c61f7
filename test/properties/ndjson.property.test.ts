import fc from 'fast-check';
import { decodeChatLine, decodeGenerateLine } from '../../src/protocol/lines.js';
import { NdjsonSplitter } from '../../src/sources/ndjson.js';
import type { StreamChunk } from '../../src/types.js';
import { loopback } from '../faults/support.js';
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
  const splitter = new NdjsonSplitter();
  const chunks: StreamChunk[] = [];
  const onLine = (line: string) => chunks.push((chat ? decodeChatLine : decodeGenerateLine)(JSON.parse(line)));
  for (const piece of pieces) splitter.push(piece, onLine);
  splitter.end(onLine);
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
    const oneByOne = split(bytes, Array.from({ length: bytes.length }, (_, i) => i));
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
          const pieces = split(bytes, [...new Set(cuts)].sort((a, b) => a - b));
          loop.server.setModel(model, { raw: pieces, rawDelayMs: 1 });
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
