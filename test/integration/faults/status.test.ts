import { ollamaError } from '../../helpers.js';
import { expectFailure, expectNothingLeftBehind, loopback } from './support.js';

const TOKEN = 'sk-secret-0123456789';
const SIGNIN_URL = 'https://ollama.com/connect?name=test-box&key=c3NoLWVkMjU1MTk';

const loop = loopback(
  {
    models: {
      refused: { faults: { status: 400, body: { error: 'invalid format: expected "json" or a valid JSON schema' } } },
      crashed: { faults: { status: 500, body: { error: 'llama runner process has terminated: exit status 2' } } },
      gateway: {
        faults: { status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>' },
      },
      cloud: { faults: { status: 401, body: { error: 'unauthorized', signin_url: SIGNIN_URL } } },
    },
  },
  { headers: { Authorization: `Bearer ${TOKEN}` } },
);
afterEach(() => expectNothingLeftBehind(loop));

describe('HTTP status faults', () => {
  it("400 (e.g. a bad format): http with Ollama's message", async () => {
    const error = await ollamaError(loop.client.generate$('x', { model: 'refused' }));
    expectFailure(error, { kind: 'http', statusCode: 400, partialText: '' });
    expect(error.message).toBe('invalid format: expected "json" or a valid JSON schema');
  });

  it("404 (unknown model): model_not_found with Ollama's message", async () => {
    const error = await ollamaError(loop.client.chat$([{ role: 'user', content: 'x' }], { model: 'llama9' }));
    expectFailure(error, { kind: 'model_not_found', statusCode: 404, partialText: '' });
    expect(error.message).toBe("model 'llama9' not found");
  });

  it("500 with a JSON error: server with Ollama's message", async () => {
    const error = await ollamaError(loop.client.generate$('x', { model: 'crashed' }));
    expectFailure(error, { kind: 'server', statusCode: 500, partialText: '' });
    expect(error.message).toBe('llama runner process has terminated: exit status 2');
  });

  it('502 with an HTML page: http naming the status and the page title', async () => {
    const error = await ollamaError(loop.client.generate$('x', { model: 'gateway' }));
    expectFailure(error, { kind: 'http', statusCode: 502, partialText: '' });
    expect(error.message).toBe('HTTP 502: 502 Bad Gateway');
  });

  it('401 with signin_url: http carrying the sign-in page, never the token', async () => {
    const error = await ollamaError(loop.client.generate$('x', { model: 'cloud' }));
    expectFailure(error, { kind: 'http', statusCode: 401, partialText: '' });
    expect(error.signinUrl).toBe(SIGNIN_URL);
    expect(error.message).toBe('unauthorized');
    expect(loop.server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const everything = `${String(error)} ${error.stack} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(everything).not.toContain(TOKEN);
  });
});
