import { connect } from 'node:net';
import { lastValueFrom } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { collectText } from '../../src/operators/collectText.js';
import { resumable } from '../../src/operators/resumable.js';
import { type ModelFaults, startTestServer } from '../../src/testing/server/index.js';
import { DEMO_ANSWER, simulatedAnswer, tokenize } from '../../src/testing/simulated.js';

describe('ollama-rx/testing', () => {
  it('tokenize keeps every character, trailing whitespace included', () => {
    expect(tokenize('Hi there.\n')).toEqual(['Hi', ' there.', '\n']);
    expect(tokenize('  lead')).toEqual(['  lead']);
    expect(tokenize('a b c').join('')).toBe('a b c');
  });

  it('setModel starts a new script with its own count of failures before success', async () => {
    const server = await startTestServer({ models: { m: { tokens: ['ok'] } } });
    const client = new OllamaClient({ host: server.url, model: 'm' });
    expect((await client.generate('x')).success).toBe(true);
    expect((await client.generate('x')).success).toBe(true);
    server.setModel('m', { faults: { status: 503, body: { error: 'busy' } }, failuresBeforeSuccess: 1 });
    expect(await client.generate('x')).toMatchObject({ success: false, statusCode: 503 });
    expect((await client.generate('x')).success).toBe(true);
    await client.close();
    await server.close();
  });

  it('the simulated model answers by the question, deterministically, and echoes one it has no answer for', () => {
    expect(simulatedAnswer({ prompt: 'Why is the sky blue?' })).toBe(DEMO_ANSWER);
    expect(simulatedAnswer({ prompt: '17 × 23?' })).toBe('17 × 23 = 391.');
    expect(simulatedAnswer({ prompt: 'Tell me a story' })).toMatch(/^Once upon a time/);
    expect(simulatedAnswer({ prompt: 'Tell me a story' })).toBe(simulatedAnswer({ prompt: 'Tell me a story' }));
    expect(simulatedAnswer({ prompt: 'Which way to Zanzibar?' })).toMatch(/^You asked: “Which way to Zanzibar\?”\./);
    expect(simulatedAnswer({ prompt: 'Describe it.', images: ['iVBORw0KGgo='] })).toBe('I see a small blue square on a white background.');
    expect(simulatedAnswer({ prompt: 'Tell me about Canada.', format: 'json' })).toBe(
      '{"name":"Canada","capital":"Ottawa","population":40100000,"languages":["English","French"]}',
    );
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'What did I ask?' },
    ];
    expect(simulatedAnswer({ messages })).toBe('Before this you asked “Hi”: the whole conversation is sent with each question.');
  });

  describe('a scripted model continues an answer, as a real model does', () => {
    const STORY = ['Once', ' upon', ' a', ' time', '.'];
    const answer = async (client: OllamaClient, request: Parameters<OllamaClient['chat']>[0] | Parameters<OllamaClient['generate']>[0]) =>
      'messages' in (request as object)
        ? (await client.chat(request as Parameters<OllamaClient['chat']>[0])).text
        : (await client.generate(request as Parameters<OllamaClient['generate']>[0])).text;

    it('from a trailing assistant message (chat) or a raw prompt ending with the start of the answer (generate)', async () => {
      const server = await startTestServer({ models: { story: { tokens: STORY, thinking: ['Hmm'] } } });
      const client = new OllamaClient({ host: server.url, model: 'story' });
      const user = { role: 'user' as const, content: 'Tell me a story.' };
      try {
        expect(await answer(client, { messages: [user, { role: 'assistant', content: 'Once upon' }] })).toBe(' a time.');
        // Cut inside a token: the rest of that token comes first.
        expect(await answer(client, { messages: [user, { role: 'assistant', content: 'Once up' }] })).toBe('on a time.');
        expect(await answer(client, { prompt: 'Tell me a story. Once upon a', raw: true })).toBe(' time.');
        // Not continuations: the whole answer.
        expect(await answer(client, { messages: [user, { role: 'assistant', content: 'Something else' }] })).toBe('Once upon a time.');
        expect(await answer(client, { prompt: 'Tell me a story. Once upon a' })).toBe('Once upon a time.');
        const continued = await client.chat({ messages: [user, { role: 'assistant', content: 'Once' }] });
        expect(continued.thinking).toBeUndefined();
      } finally {
        await client.close();
        await server.close();
      }
    });

    it.each(['chat', 'generate'] as const)('resumable against a fixed token list writes the story once (%s)', async (endpoint) => {
      const server = await startTestServer({
        models: { story: { tokens: STORY, faults: { errorAfterTokens: 2 }, failuresBeforeSuccess: 1 } },
      });
      const client = new OllamaClient({ host: server.url, model: 'story' });
      const story$ =
        endpoint === 'chat'
          ? resumable({ messages: [{ role: 'user', content: 'Tell me a story.' }] }, (next) => client.chat$(next), { delay: 1 })
          : resumable({ prompt: 'Tell me a story. ' }, (next) => client.generate$(next), { delay: 1 });
      try {
        expect(await lastValueFrom(story$.pipe(collectText()))).toBe('Once upon a time.');
        expect(server.requests).toHaveLength(2);
      } finally {
        await client.close();
        await server.close();
      }
    });
  });

  describe('failuresBeforeSuccess', () => {
    /**
     * Every fault, each set so that it shows: the timed ones would hang a request that kept them (past
     * the test's timeout). `Required` makes a fault added to `ModelFaults` a compile error here until it is listed.
     */
    const EVERY_FAULT: Required<ModelFaults> = {
      loadStallMs: 60_000,
      resetBeforeHeaders: true,
      status: 503,
      body: 'busy',
      contentType: 'text/plain',
      raw: ['{"respo', 'nse"'],
      rawDelayMs: 60_000,
      stall: { afterTokens: 1, ms: 60_000 },
      errorAfterTokens: 2,
      errorMessage: 'the GPU caught fire',
      endAfterTokens: 2,
      resetAfterTokens: 2,
    };
    const cases: Array<[string, ModelFaults]> = [
      ...Object.entries(EVERY_FAULT).map(([name, value]): [string, ModelFaults] => [name, { [name]: value }]),
      ['every fault at once', EVERY_FAULT],
    ];
    const TOKENS = ['Once', ' upon', ' a', ' time', '.'];

    it.each(cases)('strips %s: the next request is answered as by a healthy model', async (_, faults) => {
      const server = await startTestServer({ models: { m: { tokens: TOKENS } } });
      try {
        const healthy = await answerOf(server.url);
        server.setModel('m', { tokens: TOKENS, faults, failuresBeforeSuccess: 1 });
        const first = new AbortController();
        const failed = answerOf(server.url, first.signal).catch(() => undefined);
        // The request's body is read, so its attempt is counted: cut it off wherever its fault holds it.
        await server.until(() => server.requests[1]?.body);
        first.abort();
        await failed;
        expect(await answerOf(server.url)).toEqual(healthy);
      } finally {
        await server.close();
      }
    });

    /** Status, content type and lines of a generate answer, `created_at` left out. */
    async function answerOf(url: string, signal?: AbortSignal) {
      const response = await fetch(`${url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'm', prompt: 'x' }), signal });
      const lines = (await response.text()).split('\n').filter(Boolean);
      const parsed = lines.map((line) => ({ ...(JSON.parse(line) as object), created_at: undefined }));
      return { status: response.status, type: response.headers.get('content-type'), lines: parsed };
    }
  });

  describe('framing of a streamed answer', () => {
    const tokens = Array.from({ length: 2_000 }, (_, i) => ` t${i} ü`);

    it('sends each line as its own HTTP chunk, as Ollama flushes each line', async () => {
      const server = await startTestServer({ models: { m: { tokens } } });
      const chunks = await rawChunks(server.url, { model: 'm', prompt: 'x' });
      await server.close();
      expect(chunks).toHaveLength(tokens.length + 1);
      for (const chunk of chunks) expect(chunk.indexOf('\n')).toBe(chunk.length - 1);
      expect(chunks.map((chunk) => JSON.parse(chunk).response).join('')).toBe(tokens.join(''));
    });

    it('puts many lines in one chunk when the script asks for batching', async () => {
      const server = await startTestServer({ models: { m: { tokens, batchBytes: 16 * 1024 } } });
      const chunks = await rawChunks(server.url, { model: 'm', prompt: 'x' });
      await server.close();
      expect(chunks.length).toBeLessThan(tokens.length / 50);
      const lines = chunks.join('').split('\n').filter(Boolean);
      expect(lines.map((line) => JSON.parse(line).response).join('')).toBe(tokens.join(''));
    });
  });
});

/** The body's HTTP chunks as sent, read from a raw socket (HTTP clients hide chunk boundaries). */
async function rawChunks(url: string, body: object): Promise<string[]> {
  const { hostname, port } = new URL(url);
  const payload = JSON.stringify(body);
  const socket = connect(Number(port), hostname);
  socket.write(
    `POST /api/generate HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
  );
  const parts: Buffer[] = [];
  for await (const part of socket) parts.push(part as Buffer);
  const raw = Buffer.concat(parts);
  let offset = raw.indexOf('\r\n\r\n') + 4;
  expect(raw.subarray(0, offset).toString('latin1')).toMatch(/transfer-encoding: chunked/i);
  const chunks: string[] = [];
  for (;;) {
    const sizeEnd = raw.indexOf('\r\n', offset);
    const size = parseInt(raw.subarray(offset, sizeEnd).toString('latin1'), 16);
    if (size === 0) return chunks;
    chunks.push(raw.subarray(sizeEnd + 2, sizeEnd + 2 + size).toString('utf8'));
    offset = sizeEnd + 2 + size + 2;
  }
}
