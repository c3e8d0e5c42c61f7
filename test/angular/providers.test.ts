// provideOllama, OLLAMA_CLIENT, withHttpClient and provideOllamaTesting in Angular's real injector.
import { Socket } from 'node:net';
import type { HttpInterceptorFn } from '@angular/common/http';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { type Bundle, angularSuite } from './angular.js';
import { until } from './until.js';

const WORDS = Array.from({ length: 12 }, (_, i) => `w${i} `);

const suite = angularSuite({ slow: { tokens: WORDS, tokenDelayMs: 15 }, quick: { tokens: ['Hi', ' there'] } });
let ng: Bundle;
let server: TestServer;
beforeAll(() => ({ ng, server } = suite));

const app = suite.app;
const lastRequest = () => suite.lastRequest();

describe('provideOllama and OLLAMA_CLIENT', () => {
  test('a client it creates from options is closed with the injector; a client given whole is not', async () => {
    const injector = app(ng.provideOllama({ host: server.url, model: 'quick' }));
    const client = injector.get(ng.OLLAMA_CLIENT);
    expect(client).toBeInstanceOf(ng.OllamaClient);
    expect(client.host).toBe(server.url);
    const close = jest.spyOn(client, 'close');
    injector.destroy();
    expect(close).toHaveBeenCalledTimes(1);

    const own = new ng.OllamaClient({ host: server.url, model: 'quick' });
    const closeOwn = jest.spyOn(own, 'close');
    const other = app(ng.provideOllama(own));
    expect(other.get(ng.OLLAMA_CLIENT)).toBe(own);
    other.destroy();
    expect(closeOwn).not.toHaveBeenCalled();
    await own.close();
  });

  test('without provideOllama, the root injector makes one from the environment (and closes it)', () => {
    const injector = app();
    const client = injector.get(ng.OLLAMA_CLIENT);
    expect(client).toBeInstanceOf(ng.OllamaClient);
    const close = jest.spyOn(client, 'close');
    injector.destroy();
    expect(close).toHaveBeenCalledTimes(1);
  });

  test('withHttpClient() with a client given whole is an OllamaConfigError: that client keeps its own transport', async () => {
    const own = new ng.OllamaClient({ host: server.url });
    const injector = app(ng.provideHttpClient(ng.withFetch()), ng.provideOllama(own, ng.withHttpClient()));
    expect(() => injector.get(ng.OLLAMA_CLIENT)).toThrow(/withHttpClient\(\) needs provideOllama\(options\)/);
    await own.close();
  });
});

describe('withHttpClient', () => {
  const tagged: HttpInterceptorFn = (request, next) => next(request.clone({ setHeaders: { 'x-app-token': 'from-interceptor' } }));
  const viaHttpClient = (model: string, host = server.url) =>
    app(ng.provideHttpClient(ng.withFetch(), ng.withInterceptors([tagged])), ng.provideOllama({ host, model }, ng.withHttpClient()));

  test('every request goes through HttpClient: the interceptor’s header reaches the server; the answer streams', async () => {
    const chat = ng.chatResource({ injector: viaHttpClient('slow') });
    chat.send('Count');
    await until(() => chat.status() === 'streaming');
    expect(chat.answer().length).toBeLessThan(WORDS.join('').length);
    await until(() => chat.status() === 'ready');
    expect(chat.answer()).toBe(WORDS.join(''));
    expect(lastRequest().headers['x-app-token']).toBe('from-interceptor');
    expect(chat.usage().tokens).toBe(WORDS.length);
  });

  test('stop() aborts the HttpClient request: the server sees the disconnect, the partial answer stays', async () => {
    const chat = ng.chatResource({ injector: viaHttpClient('slow') });
    chat.send('Count');
    await until(() => chat.answer().length >= 6);
    chat.stop();
    const request = lastRequest();
    await server.until(() => request.disconnectedAt !== undefined);
    expect(chat.messages().at(-1)).toEqual({ role: 'assistant', content: chat.answer() });
    expect(chat.status()).toBe('ready');
  });

  test('errors are the client’s own: model_not_found (404) and network (nothing listening)', async () => {
    const missing = ng.chatResource({ injector: viaHttpClient('nope') });
    missing.send('Hi');
    await until(() => missing.status() === 'error');
    expect(missing.error()).toBeInstanceOf(ng.OllamaError);
    expect(missing.error()).toMatchObject({ kind: 'model_not_found', statusCode: 404 });

    const closed = await startTestServer();
    const url = closed.url;
    await closed.close();
    const refused = ng.chatResource({ injector: viaHttpClient('quick', url) });
    refused.send('Hi');
    await until(() => refused.status() === 'error');
    expect(refused.error()).toMatchObject({ kind: 'network' });
  });
});

describe('provideOllamaTesting', () => {
  test('a component against scripted models: no socket, whatever provideOllama says', async () => {
    const connect = jest.spyOn(Socket.prototype, 'connect');
    try {
      const injector = app(
        ng.provideOllama({ host: server.url, model: 'scripted' }),
        ng.provideOllamaTesting({ scripted: { thinking: ['Hmm'], tokens: ['Hello', ' from', ' a', ' script'], tokenDelayMs: 5 } }),
      );
      // What a component holds and renders: a chat, and a view its template would compute.
      const component = ng.runInInjectionContext(injector, () => {
        const chat = ng.chatResource();
        return { chat, view: () => chat.messages().map((message) => `${message.role}: ${message.content}`) };
      });
      component.chat.send('Hi');
      await until(() => component.chat.status() === 'ready');
      expect(component.view()).toEqual(['user: Hi', 'assistant: Hello from a script']);
      expect(component.chat.thinking()).toBe('Hmm');
      expect(connect).not.toHaveBeenCalled();
      expect(server.requests.some((request) => request.body?.model === 'scripted')).toBe(false);
      // A client passed to a resource gives way to the scripted models too.
      const own = new ng.OllamaClient({ host: server.url, model: 'scripted' });
      const chat = ng.chatResource({ injector, client: own });
      chat.send('Hi');
      await until(() => chat.status() === 'ready');
      expect(chat.answer()).toBe('Hello from a script');
      expect(connect).not.toHaveBeenCalled();
      await own.close();
    } finally {
      connect.mockRestore();
    }
  });

  test('fake timers drive the scripted pace', async () => {
    jest.useFakeTimers();
    try {
      const injector = app(ng.provideOllamaTesting({ paced: { tokens: ['a', 'b', 'c'], tokenDelayMs: 1_000 } }));
      const chat = ng.chatResource({ injector, model: 'paced' });
      chat.send('Go');
      await jest.advanceTimersByTimeAsync(1_000);
      expect(chat.answer()).toBe('a');
      await jest.advanceTimersByTimeAsync(2_000);
      expect([chat.answer(), chat.status()]).toEqual(['abc', 'ready']);
    } finally {
      jest.useRealTimers();
    }
  });
});
