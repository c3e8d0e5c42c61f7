import { OllamaClient } from '../../../src/client/client.js';
import { OllamaError } from '../../../src/core/errors.js';
import { isModelNotFound } from '../../../src/protocol/errorAnswer.js';
import { Matcher } from '../../../src/testing/har/match.js';
import { toRecording } from '../../../src/testing/har/normalise.js';
import { replayFetch } from '../../../src/testing/har/replayFetch.js';
import type { Har, HarEntry } from '../../../src/testing/har/types.js';
import { startTestServer } from '../../../src/testing/server/index.js';

/** A HAR entry of one answer, as devtools writes it: no `_chunks`. */
function entry(path: string, body: object, answer: string, receive = 0, extra: Partial<HarEntry['response']['content']> = {}): HarEntry {
  return {
    startedDateTime: '2026-01-01T00:00:00.000Z',
    time: 10 + receive,
    request: {
      method: 'POST',
      url: `http://127.0.0.1:11434${path}`,
      httpVersion: 'HTTP/1.1',
      headers: [],
      queryString: [],
      postData: { mimeType: 'application/json', text: JSON.stringify(body) },
      headersSize: -1,
      bodySize: -1,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [{ name: 'Content-Type', value: 'application/x-ndjson' }],
      content: { size: answer.length, mimeType: 'application/x-ndjson', text: answer, ...extra },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { blocked: 2, dns: -1, connect: -1, ssl: -1, send: 1, wait: 7, receive },
  };
}

const har = (...entries: HarEntry[]): Har => ({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });
const line = (text: string, done = false) => `${JSON.stringify({ model: 'm', created_at: 't', response: text, done })}\n`;

describe('loading a HAR', () => {
  it('spreads the NDJSON lines of a HAR without _chunks evenly over the receive time, from the headers on', () => {
    const recording = toRecording(har(entry('/api/generate', { model: 'm' }, line('a') + line('b') + line('', true), 30)));
    const [replayed] = recording.entries;
    expect(replayed!.headersMs).toBe(10);
    expect(replayed!.chunks.map((chunk) => chunk.offsetMs)).toEqual([10, 25, 40]);
  });

  it('decodes a base64 body, as Playwright stores one', () => {
    const body = line('Hé') + line('', true);
    const recording = toRecording(
      har(entry('/api/generate', { model: 'm' }, btoa(String.fromCharCode(...new TextEncoder().encode(body))), 0, { encoding: 'base64' })),
    );
    const text = recording.entries[0]!.chunks.map((chunk) => new TextDecoder().decode(chunk.bytes)).join('');
    expect(text).toBe(body);
  });

  it('refuses something that is not a HAR', () => {
    expect(() => toRecording({} as Har)).toThrow('Not a HAR 1.2 file');
  });
});

describe('matching', () => {
  const recording = toRecording(
    har(
      entry('/api/generate', { model: 'm', prompt: 'hi', stream: true, options: { seed: 1, temperature: 0 } }, line('first', true)),
      entry('/api/generate', { prompt: 'hi', model: 'm' }, line('second', true)),
      entry('/api/generate', { model: 'm', prompt: 'bye' }, line('bye', true)),
    ),
  );
  const request = (body: object) => ({ method: 'POST', path: '/api/generate', body });

  it("ignores key order and fills in Ollama's defaults (stream: true)", () => {
    const matcher = new Matcher(recording);
    expect(matcher.take(request({ options: { temperature: 0, seed: 1 }, prompt: 'hi', model: 'm' }))).toBe(recording.entries[0]);
  });

  it('gives identical requests their recordings in order, each once', () => {
    const matcher = new Matcher(recording);
    expect(matcher.take(request({ model: 'm', prompt: 'hi', stream: true }))).toBe(recording.entries[1]);
    expect(() => matcher.take(request({ model: 'm', prompt: 'hi' }))).toThrow('all 1 recording(s) of it were replayed already');
  });

  it('takes a match rule instead', () => {
    const matcher = new Matcher(
      recording,
      (req, recorded) => (recorded.body as { prompt: string }).prompt === 'bye' && req.path === recorded.path,
    );
    expect(matcher.take(request({ anything: true }))).toBe(recording.entries[2]);
  });

  it('fails a request with no recording: "no recording", method, path, model and the nearest request, not like a missing model', () => {
    const matcher = new Matcher(recording);
    let error: unknown;
    try {
      matcher.take(request({ model: 'm', prompt: 'bye!' }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OllamaError);
    expect(error).toMatchObject({ kind: 'http', statusCode: 404 });
    const { message } = error as OllamaError;
    expect(message).toBe(
      "no recording for POST /api/generate (model 'm'); the nearest recorded request is POST /api/generate (model 'm'), whose body differs in prompt",
    );
    expect(isModelNotFound(message)).toBe(false);
  });

  it('reaches the client as an http 404 naming the request, from replayFetch and from the replay server', async () => {
    const expected = {
      kind: 'http',
      statusCode: 404,
      error: expect.stringMatching(/^no recording for POST \/api\/generate \(model 'other'\)/),
    };
    const viaFetch = new OllamaClient({ host: 'http://127.0.0.1:9', fetch: replayFetch(recording) });
    await expect(viaFetch.generate('hi', { model: 'other' })).resolves.toMatchObject({ success: false, ...expected });
    const server = await startTestServer({ replay: recording });
    const viaServer = new OllamaClient({ host: server.url });
    await expect(viaServer.generate('hi', { model: 'other' })).resolves.toMatchObject({ success: false, ...expected });
    await viaServer.close();
    await server.close();
  });
});
