// Case 5: a server that echoes the client's credentials must not get them into any error text.
import { OllamaClient } from '../../../src/client/client.js';
import { OllamaError } from '../../../src/core/errors.js';
import type { ModelScript } from '../../../src/testing/server/index.js';
import { settle } from '../../helpers.js';
import { expectNothingLeftBehind, loopback } from './support.js';

const TOKEN = 'SECRET123-token-abcdef';
const KEY = 'k3y-0f-the-proxy-987';
const line = (response: string) => JSON.stringify({ model: 'm', response, done: false }) + '\n';
const raw = (...pieces: string[]): ModelScript => ({ faults: { raw: pieces, rawDelayMs: 2 } });

const loop = loopback(
  {
    models: {
      json401: {
        faults: { status: 401, body: { error: `unauthorized: got Bearer ${TOKEN}`, signin_url: `https://ollama.com/connect?t=${TOKEN}` } },
      },
      html502: { faults: { status: 502, body: `<html><head><title>bad key ${KEY} for ${TOKEN}</title></head></html>` } },
      text403: { faults: { status: 403, body: `forbidden: ${TOKEN}`, contentType: 'text/plain' } },
      errorLine: raw(line('a'), `{"error":"key ${KEY} was revoked"}\n`),
      notJson: raw(line('a'), `oops Bearer ${TOKEN} oops\n`),
      perCall: raw(line('a'), 'bad token per-call-token-5555\n'),
      notChunk: raw(line('a'), JSON.stringify({ response: 42, done: false, echo: TOKEN }) + '\n'),
    },
  },
  { headers: { Authorization: `Bearer ${TOKEN}`, 'X-Api-Key': KEY }, secretHeaders: ['x-api-key'] },
);
afterEach(() => expectNothingLeftBehind(loop));

/** Every text an application might log or show for this error. */
function everyText(error: unknown): string {
  const failure = error as OllamaError;
  const cause = failure.cause as Error | undefined;
  return [failure.message, String(failure), failure.stack, JSON.stringify(failure), failure.signinUrl, String(cause), cause?.stack].join(
    '\n',
  );
}

describe('case 5: secrets never come back in errors', () => {
  it.each([
    ['a 401 {"error"} echoing the bearer token (and a sign-in URL holding it)', 'json401', 'unauthorized: got ***'],
    ['an HTML page title echoing the token and a secret header', 'html502', 'HTTP 502: bad key *** for ***'],
    ['a plain-text error body', 'text403', 'HTTP 403: forbidden: ***'],
    ['an {"error"} line after HTTP 200 echoing a secret header', 'errorLine', 'key *** was revoked'],
    ['the preview of a line that is not JSON', 'notJson', 'Ollama sent a line that is not JSON: "oops *** oops"'],
  ])('%s', async (_what, model, message) => {
    const { error } = await settle(loop.client.generate$('x', { model }));
    expect(error).toBeInstanceOf(OllamaError);
    expect((error as Error).message).toBe(message);
    expect(everyText(error)).not.toContain(TOKEN);
    expect(everyText(error)).not.toContain(KEY);
    const response = await loop.client.generate('x', { model, stream: true });
    expect(response.success).toBe(false);
    expect(response.error).toBe(message);
  });

  it('the preview of a JSON line that is not a chunk, and its cause', async () => {
    const { error } = await settle(loop.client.generate$('x', { model: 'notChunk' }));
    expect((error as Error).message).toContain('"echo":"***"');
    expect(everyText(error)).not.toContain(TOKEN);
  });

  it('a per-call Authorization header is secret too', async () => {
    const perCall = 'Bearer per-call-token-5555';
    const { error } = await settle(loop.client.generate$('x', { model: 'perCall', headers: { authorization: perCall } }));
    expect((error as Error).message).toBe('Ollama sent a line that is not JSON: "bad token ***"');
    expect(everyText(error)).not.toContain('per-call-token-5555');
    expect(loop.server.requests.at(-1)!.headers.authorization).toBe(perCall);
  });

  it('a header not marked secret is shown as sent: secretHeaders is what hides it', async () => {
    const plain = new OllamaClient({ host: loop.server.url, headers: { 'X-Api-Key': KEY } });
    const { error } = await settle(plain.generate$('x', { model: 'errorLine' }));
    expect((error as Error).message).toBe(`key ${KEY} was revoked`);
    await plain.close();
  });
});
