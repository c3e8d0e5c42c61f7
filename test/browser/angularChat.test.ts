// The Angular example's service, run for real: Angular ships ESM only and jest runs CommonJS here, so
// the test bundles the service with esbuild (as the Angular CLI would, browser build of ollama-rx
// included) and drives it in an injector against the test server.
import { join } from 'node:path';
import type { EnvironmentInjector, Injector, Provider, Type, reflectComponentType } from '@angular/core';
import type { Plugin } from 'esbuild';
import type { OllamaClient } from '../../src/client/client.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { requireBundle } from '../angular/angular.js';

const { browserSource } = require('../../scripts/browser-source.cjs') as { browserSource: Plugin };

/** What the test uses of the service (the example itself is type-checked by `npm run typecheck:angular`). */
interface ChatService {
  ask(prompt: string): void;
  stop(): void;
  messages(): readonly { role: string; content: string }[];
  answer(): string;
  streaming(): boolean;
  error(): { kind: string } | undefined;
  tokens(): number;
  firstTokenMs(): number | undefined;
  models(): readonly string[];
  model: { (): string | undefined; set(name: string): void };
}
interface Bundle {
  OllamaChatService: Type<ChatService>;
  OLLAMA_CLIENT: unknown;
  ChatComponent: Type<unknown>;
  OllamaClient: typeof OllamaClient;
  Injector: typeof Injector;
  reflectComponentType: typeof reflectComponentType;
}

const ANSWER = Array.from({ length: 12 }, (_, i) => `w${i} `);
let server: TestServer;
let angular: Bundle;
let client: OllamaClient;

beforeAll(async () => {
  const example = join(__dirname, '..', '..', 'examples', 'angular');
  angular = await requireBundle<Bundle>(
    `
    import '@angular/compiler'; // JIT: compiles the decorators' metadata at run time
    export { Injector, reflectComponentType } from '@angular/core';
    export { OllamaClient } from 'ollama-rx';
    export { OllamaChatService, OLLAMA_CLIENT } from './ollama-chat.service';
    export { ChatComponent } from './chat.component';`,
    example,
    [browserSource],
  );
  server = await startTestServer({ models: { slow: { tokens: ANSWER, tokenDelayMs: 15 }, other: {} } });
  client = new angular.OllamaClient({ host: server.url, model: 'slow' });
}, 30_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
});

function createChat(ollama = client): { chat: ChatService; injector: EnvironmentInjector } {
  const providers: Provider[] = [angular.OllamaChatService, { provide: angular.OLLAMA_CLIENT, useValue: ollama }];
  const injector = angular.Injector.create({ providers }) as EnvironmentInjector;
  return { chat: injector.get(angular.OllamaChatService), injector };
}

/** Polls a signal-backed condition; the service's state lives in signals, not in server events. */
async function eventually(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  for (const deadline = performance.now() + timeoutMs; !condition();) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const chatRequests = () => server.requests.filter((r) => r.path === '/api/chat');

describe('OllamaChatService (examples/angular)', () => {
  it('a new prompt cancels the answer in progress: its request is aborted, its typed text kept', async () => {
    const { chat, injector } = createChat();
    const before = chatRequests().length;
    chat.ask('first');
    await eventually(() => chat.answer().length > 0);
    chat.ask('second');

    const requests = () => chatRequests().slice(before);
    await server.until(() => requests()[0]!.disconnectedAt && requests()[1]?.body);
    const [first, second] = requests();
    expect(first!.finishedAt).toBeUndefined();
    const partial = (second!.body!.messages as { content: string }[])[1]!.content;
    expect(second!.body!.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: partial },
      { role: 'user', content: 'second' },
    ]);
    expect(ANSWER.join('').startsWith(partial) && partial.length < ANSWER.join('').length).toBe(true);

    await eventually(() => !chat.streaming());
    expect(second!.disconnectedAt).toBeUndefined();
    expect(chat.messages().at(-1)).toEqual({ role: 'assistant', content: ANSWER.join('') });
    expect(chat.error()).toBeUndefined();
    // The counters follow the latest answer: the server's eval_count, and its first text's latency.
    expect(chat.tokens()).toBe(ANSWER.length);
    expect(chat.firstTokenMs()).toEqual(expect.any(Number));
    injector.destroy();
  });

  it('stop() aborts the answer in progress', async () => {
    const { chat, injector } = createChat();
    chat.ask('stop me');
    await eventually(() => chat.answer().length > 0);
    chat.stop();
    await server.until(() => chatRequests().at(-1)!.disconnectedAt);
    expect(chat.streaming()).toBe(false);
    injector.destroy();
  });

  it('destroying its injector aborts the answer in progress (takeUntilDestroyed)', async () => {
    const { chat, injector } = createChat();
    chat.ask('destroy me');
    await server.until(() => chatRequests().at(-1)?.body?.messages);
    const request = chatRequests().at(-1)!;
    injector.destroy();
    await server.until(() => request.disconnectedAt);
    expect(request.finishedAt).toBeUndefined();
  });

  it("models() are the server's (list()); the client's model is chosen, else the first listed", async () => {
    const { chat, injector } = createChat();
    expect(chat.model()).toBe('slow');
    // Until the list arrives, the chosen model is the only one to pick.
    expect(chat.models()).toEqual(['slow']);
    await eventually(() => chat.models().length > 1);
    expect(chat.models()).toEqual(['slow', 'other']);
    // A model that is not installed can still be chosen (the page's ?model=): it is listed first.
    chat.model.set('nope');
    expect(chat.models()).toEqual(['nope', 'slow', 'other']);
    injector.destroy();

    const modelless = new angular.OllamaClient({ host: server.url });
    const second = createChat(modelless);
    await eventually(() => second.chat.model() !== undefined);
    expect(second.chat.model()).toBe('slow');
    second.injector.destroy();
    await modelless.close();
  });

  it('a server that cannot be reached: listing the models fails onto the error line', async () => {
    const gone = await startTestServer();
    await gone.close();
    const unreachable = new angular.OllamaClient({ host: gone.url, model: 'slow' });
    const { chat, injector } = createChat(unreachable);
    await eventually(() => chat.error() !== undefined);
    expect(chat.error()!.kind).toBe('network');
    expect(chat.models()).toEqual(['slow']);
    injector.destroy();
    await unreachable.close();
  });

  it("the chat component's template compiles (JIT)", () => {
    expect(angular.reflectComponentType(angular.ChatComponent)?.selector).toBe('ollama-chat');
  });
});
