import { join } from 'node:path';
import { Subject, lastValueFrom, takeUntil, tap } from 'rxjs';
import { OllamaClient } from '../../../src/client/client.js';
import { type RecordedRequest, type TestServer, startTestServer } from '../../../src/testing/server/index.js';
import { collectText } from '../../../src/operators/collectText.js';
import { settle, texts } from '../../helpers.js';
import { describeUnless } from '../../skips.js';
import { NGINX_BINARY, type Nginx, nginxInstalled, startNginx } from './nginx.js';

const TOKENS = ['one', ' two', ' three', ' four', ' five', ' six'];
const models = {
  paced: { tokens: TOKENS, tokenDelayMs: 30 },
  endless: { tokens: Array.from({ length: 1_000 }, () => ' tok'), tokenDelayMs: 10 },
  loading: { tokens: ['late'], loadDelayMs: 60_000 },
};

if (!nginxInstalled()) {
  console.warn(`SKIPPED: the reverse-proxy test needs nginx at ${NGINX_BINARY} (apt-get install nginx, or set NGINX=/path/to/nginx)`);
}
const nginxMissing = nginxInstalled() ? undefined : `needs nginx at ${NGINX_BINARY} (apt-get install nginx, or set NGINX=/path/to/nginx)`;
const describeWithNginx = (title: string, suite: () => void) => describeUnless(nginxMissing, title, suite);

describeWithNginx('ollama-rx through nginx (test/integration/nginx/ollama.conf) balancing two Ollama servers', () => {
  let upstreams: TestServer[];
  let nginx: Nginx;
  let client: OllamaClient;

  beforeAll(async () => {
    upstreams = await Promise.all([startTestServer({ models }), startTestServer({ models })]);
    nginx = await startNginx(
      join(__dirname, 'ollama.conf'),
      upstreams.map((server) => server.url),
    );
    client = new OllamaClient({ host: nginx.url });
  });
  afterAll(async () => {
    await client?.close();
    await nginx?.close();
    await Promise.all(upstreams?.map((server) => server.close()) ?? []);
  });

  /** The upstream request that carried `prompt`, and the server that got it. */
  function findRequest(prompt: string) {
    for (const server of upstreams) {
      const request = server.requests.find((r) => r.body?.prompt === prompt);
      if (request) return { server, request };
    }
    return undefined;
  }

  async function upstreamRequest(prompt: string): Promise<{ server: TestServer; request: RecordedRequest }> {
    await Promise.race(upstreams.map((server) => server.until(() => findRequest(prompt))));
    return findRequest(prompt)!;
  }

  it('passes each token on as the server writes it, not once the answer is complete', async () => {
    // At each chunk's arrival: had the server already written its whole answer?
    const answerComplete: boolean[] = [];
    const { values, completed } = await settle(
      client
        .generate$('unbuffered', { model: 'paced' })
        .pipe(tap(() => answerComplete.push(findRequest('unbuffered')?.request.finishedAt !== undefined))),
    );
    expect(completed).toBe(true);
    expect(texts(values)).toBe(TOKENS.join(''));
    // The server pauses before each token, so every token but the last arrives while the answer is
    // still being written. A buffering proxy delivers them all after the answer is complete.
    expect(answerComplete.slice(0, TOKENS.length - 1)).toEqual(TOKENS.slice(1).map(() => false));
  });

  it('sends concurrent requests to both servers', async () => {
    const prompts = ['a', 'b', 'c', 'd'].map((name) => `balance ${name}`);
    const answers = await Promise.all(
      prompts.map((prompt) => lastValueFrom(client.generate$(prompt, { model: 'paced' }).pipe(collectText()))),
    );
    expect(answers).toEqual(prompts.map(() => TOKENS.join('')));
    const servedBy = prompts.map((prompt) => upstreams.indexOf(findRequest(prompt)!.server));
    expect(new Set(servedBy)).toEqual(new Set([0, 1]));
  });

  it('carries an unsubscribe mid-answer through to the server, which stops generating', async () => {
    const seen: string[] = [];
    const stop = new Subject<void>();
    client
      .generate$('abort mid-answer', { model: 'endless' })
      .pipe(takeUntil(stop))
      .subscribe((chunk) => {
        seen.push(chunk.text);
        if (seen.length === 2) stop.next();
      });
    const { server, request } = await upstreamRequest('abort mid-answer');
    await server.until(() => request.disconnectedAt);
    expect(request.finishedAt).toBeUndefined();
    expect(seen).toEqual([' tok', ' tok']);
  });

  it('carries an unsubscribe while the model loads (no header yet) through to the server', async () => {
    const subscription = client.generate$('abort while loading', { model: 'loading' }).subscribe();
    const { server, request } = await upstreamRequest('abort while loading');
    subscription.unsubscribe();
    await server.until(() => request.disconnectedAt);
    expect(request.finishedAt).toBeUndefined();
  });
});
