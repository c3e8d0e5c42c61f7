import { DEFAULT_MAX_LINE_BYTES } from '../../../src/protocol/ndjson.js';
import type { ModelScript } from '../../../src/testing/server/index.js';
import { settle, texts } from '../../helpers.js';
import { expectFailure, expectNothingLeftBehind, loopback } from './support.js';

const line = (response: string, done = false) => JSON.stringify({ model: 'm', response, done }) + '\n';
const DONE = JSON.stringify({ model: 'm', response: '', done: true, done_reason: 'stop', eval_count: 3 });
/** Raw pieces are written one by one with a pause between, so each arrives as its own TCP read. */
const pieces = (...raw: Array<string | Uint8Array>): ModelScript => ({ faults: { raw, rawDelayMs: 5 } });

const loop = loopback();
afterEach(() => expectNothingLeftBehind(loop));

/** Streams `/api/generate` from a model answering with `script`. */
function generate(script: ModelScript) {
  const model = `m${loop.server.requests.length}`;
  loop.server.setModel(model, script);
  return settle(loop.client.generate$('x', { model }));
}

describe('body faults', () => {
  it('an {"error"} line after HTTP 200: server, Ollama\'s message, the partial text kept', async () => {
    const { values, error } = await generate({
      tokens: ['par', 'tial', ' lost'],
      faults: { errorAfterTokens: 2, errorMessage: 'CUDA error: out of memory' },
    });
    expect(texts(values)).toBe('partial');
    expectFailure(error, { kind: 'server', partialText: 'partial' });
    expect((error as Error).message).toBe('CUDA error: out of memory');
  });

  it('a malformed JSON line: protocol, quoting the line', async () => {
    const { values, error } = await generate(pieces(line('ok'), '{"response": "x", "done": fal\n', line('never')));
    expect(texts(values)).toBe('ok');
    expectFailure(error, { kind: 'protocol', partialText: 'ok' });
    expect((error as Error).message).toBe('Ollama sent a line that is not JSON: "{\\"response\\": \\"x\\", \\"done\\": fal"');
  });

  it('a JSON line that is not a chunk: protocol naming the wrong field, its type and the line', async () => {
    const { values, error } = await generate(pieces(line('ok'), '{"response": 42, "done": "no"}\n'));
    expect(texts(values)).toBe('ok');
    expectFailure(error, { kind: 'protocol', partialText: 'ok' });
    expect((error as Error).message).toBe(
      'Ollama sent a line that is not a GenerateLine: response: expected string, got 42; done: expected boolean, got "no" ' +
        '(line: {"response":42,"done":"no"})',
    );
  });

  it('a line over the size cap: protocol, and the request is ended', async () => {
    const huge = `{"response": "${'x'.repeat(DEFAULT_MAX_LINE_BYTES)}`;
    const { values, error } = await generate(pieces(line('ok'), huge, '", "done": false}\n', line('never')));
    expect(texts(values)).toBe('ok');
    expectFailure(error, { kind: 'protocol', partialText: 'ok' });
    expect((error as Error).message).toContain(`longer than ${DEFAULT_MAX_LINE_BYTES} bytes`);
  });

  it('UTF-8 characters split across TCP writes decode whole', async () => {
    const bytes = new TextEncoder().encode(line('Grüße 👋🏽 日本') + line('!') + DONE + '\n');
    // Cut before every continuation byte: each multi-byte character arrives in pieces.
    const cuts = [0, ...[...bytes.keys()].filter((i) => (bytes[i]! & 0xc0) === 0x80), bytes.length];
    const split = cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
    const { values, completed } = await generate(pieces(...split));
    expect(completed).toBe(true);
    expect(values.map((c) => c.text)).toEqual(['Grüße 👋🏽 日本', '!', '']);
  });

  it('a final line without its newline still completes the stream', async () => {
    const { values, completed } = await generate(pieces(line('a'), line('b'), DONE));
    expect(completed).toBe(true);
    expect(texts(values)).toBe('ab');
    expect(values.at(-1)).toMatchObject({ done: true, doneReason: 'stop', metrics: { evalCount: 3 } });
  });

  it('blank lines (empty, spaces, CRLF) are skipped', async () => {
    const { values, completed } = await generate(pieces('\n', line('a'), '\r\n   \n\t\n', line('b'), '\n\n', `${DONE}\r\n\n`));
    expect(completed).toBe(true);
    expect(values.map((c) => c.text)).toEqual(['a', 'b', '']);
  });
});
