import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import type { FetchFunction } from '../../src/core/options.js';

const KEY = 'test-key-123';
let server: TestServer;
let savedKey: string | undefined;

beforeAll(async () => {
  server = await startTestServer({ webApiKey: KEY });
  savedKey = process.env.OLLAMA_API_KEY;
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  if (savedKey === undefined) delete process.env.OLLAMA_API_KEY;
  else process.env.OLLAMA_API_KEY = savedKey;
});

/** A client that believes it talks to https://ollama.com while its requests reach the loopback test server. */
function ollamaComClient(headers?: Record<string, string>) {
  const loopback: FetchFunction = (url, init) => fetch(url.replace('https://ollama.com:443', server.url), init);
  return new OllamaClient({ host: 'https://ollama.com', fetch: loopback, headers });
}

/** A fetch that answers every request itself and keeps what it was asked. */
function capturing(status = 200, body: object = { results: [] }) {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const fetchImpl: FetchFunction = async (url, init) => {
    seen.push({ url, headers: init.headers });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
  return { seen, fetch: fetchImpl };
}

describe('webSearch and webFetch', () => {
  it('webSearch posts the query with max_results and returns the results, the key from OLLAMA_API_KEY', async () => {
    process.env.OLLAMA_API_KEY = KEY;
    const client = ollamaComClient();
    const { results } = await client.webSearch({ query: 'what is ollama?', maxResults: 2 });
    expect(results).toEqual([
      {
        title: 'Result 1 for what is ollama?',
        url: 'https://example.com/what%20is%20ollama%3F/1',
        content: 'What the web says about what is ollama?, part 1.',
      },
      {
        title: 'Result 2 for what is ollama?',
        url: 'https://example.com/what%20is%20ollama%3F/2',
        content: 'What the web says about what is ollama?, part 2.',
      },
    ]);
    const request = server.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/api/web_search', body: { query: 'what is ollama?', max_results: 2 } });
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    await client.close();
  });

  it('webFetch returns title, content and links', async () => {
    process.env.OLLAMA_API_KEY = KEY;
    const client = ollamaComClient();
    expect(await client.webFetch({ url: 'https://ollama.com' })).toEqual({
      title: 'Page at https://ollama.com',
      content: 'The text of https://ollama.com.',
      links: ['https://ollama.com/about', 'https://ollama.com/contact'],
    });
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/web_fetch', body: { url: 'https://ollama.com' } });
    // Ollama leaves out an empty list of links.
    const bare = capturing(200, { title: 't', content: 'c' });
    expect(await new OllamaClient({ host: 'https://ollama.com', fetch: bare.fetch }).webFetch({ url: 'https://x.test' })).toEqual({
      title: 't',
      content: 'c',
      links: [],
    });
    await client.close();
  });

  it('an explicit Authorization header wins over the key, whatever its case', async () => {
    process.env.OLLAMA_API_KEY = 'not-this-one';
    const client = ollamaComClient({ AUTHORIZATION: `Bearer ${KEY}` });
    await client.webSearch({ query: 'q' });
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    const perCall = capturing();
    await new OllamaClient({ host: 'ollama.com', fetch: perCall.fetch }).webSearch(
      { query: 'q' },
      { headers: { authorization: 'Bearer per-call' } },
    );
    expect(perCall.seen[0]!.headers.authorization).toBe('Bearer per-call');
    await client.close();
  });

  it('the key goes to https://ollama.com only: never to another host, nor over plain http', async () => {
    process.env.OLLAMA_API_KEY = KEY;
    for (const host of ['https://ollama.com', 'ollama.com', 'https://ollama.com:443/']) {
      const { seen, fetch } = capturing();
      await new OllamaClient({ host, fetch }).webSearch({ query: 'q' });
      expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    }
    for (const host of [
      server.url,
      'http://ollama.com',
      'https://ollama.com.example.net',
      'https://www.ollama.com',
      'https://ollama.com:8443',
      'gpu-box',
    ]) {
      const { seen, fetch } = capturing();
      await new OllamaClient({ host, fetch }).webSearch({ query: 'q' });
      expect(seen[0]!.headers.authorization).toBeUndefined();
    }
    // The real loopback server never sees it either.
    const local = new OllamaClient({ host: server.url });
    await expect(local.webSearch({ query: 'q' })).rejects.toMatchObject({ statusCode: 401 });
    expect(server.requests.at(-1)!.headers.authorization).toBeUndefined();
    await local.close();
  });

  it('without a key the 401 is an OllamaError (http, 401), with signinUrl when ollama.com sends one', async () => {
    delete process.env.OLLAMA_API_KEY;
    const client = ollamaComClient();
    await expect(client.webSearch({ query: 'q' })).rejects.toMatchObject({
      name: 'OllamaError',
      kind: 'http',
      statusCode: 401,
      message: 'unauthorized',
    });
    expect(server.requests.at(-1)!.headers.authorization).toBeUndefined();
    const signin = capturing(401, { error: 'unauthorized', signin_url: 'https://ollama.com/connect?name=x' });
    await expect(
      new OllamaClient({ host: 'https://ollama.com', fetch: signin.fetch }).webFetch({ url: 'https://x.test' }),
    ).rejects.toMatchObject({
      kind: 'http',
      statusCode: 401,
      signinUrl: 'https://ollama.com/connect?name=x',
    });
    await client.close();
  });

  it('the key from the environment is a secret like any Authorization: never in an error, even when echoed', async () => {
    process.env.OLLAMA_API_KEY = KEY;
    const echo = capturing(401, { error: `bad key Bearer ${KEY}` });
    const error = await new OllamaClient({ host: 'https://ollama.com', fetch: echo.fetch })
      .webSearch({ query: 'q' })
      .catch((e: unknown) => e);
    expect(echo.seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(error).toMatchObject({ kind: 'http', statusCode: 401 });
    expect(String((error as Error).message)).not.toContain(KEY);
  });

  it('an empty query or url is refused before anything is sent', async () => {
    const { seen, fetch } = capturing();
    const client = new OllamaClient({ host: 'https://ollama.com', fetch });
    await expect(client.webSearch({ query: '' })).rejects.toThrow(
      new OllamaConfigError('Invalid ollama-rx webSearch request: query must be a non-empty string'),
    );
    await expect(client.webFetch({ url: '' })).rejects.toBeInstanceOf(OllamaConfigError);
    expect(seen).toHaveLength(0);
  });

  it('asked of a local Ollama (no such route) the error says so', async () => {
    const local = await startTestServer();
    const client = new OllamaClient({ host: local.url });
    await expect(client.webSearch({ query: 'q' })).rejects.toMatchObject({
      kind: 'http',
      statusCode: 404,
      message: 'HTTP 404: 404 page not found (POST /api/web_search: the server has no such route)',
    });
    await client.close();
    await local.close();
  });
});
