// chatResource in Angular's real injector (zoneless, no DOM) against the loopback test server.
import type { EnvironmentInjector } from '@angular/core';
import type { ChatResource, ChatResourceOptions } from '../../src/angular/index.js';
import type { TestServer } from '../../src/testing/server/index.js';
import { type Bundle, angularSuite } from './angular.js';
import { until } from './until.js';

const WORDS = Array.from({ length: 12 }, (_, i) => `w${i} `);
const hasToolAnswer = (body: Record<string, unknown> | undefined) =>
  (body?.messages as { role: string }[] | undefined)?.some((message) => message.role === 'tool') ?? false;

const suite = angularSuite({
  slow: { tokens: WORDS, tokenDelayMs: 15 },
  quick: { tokens: ['Hi', ' there'] },
  thinker: { thinking: ['Let me', ' think'], tokens: ['Done'] },
  adder: {
    toolCalls: (body) => (hasToolAnswer(body) ? [] : [{ function: { name: 'add', arguments: { a: 2, b: 3 } } }]),
    tokens: (body) => (hasToolAnswer(body) ? ['The sum', ' is 5'] : []),
  },
  broken: { tokens: ['par', 'tial', ' text'], faults: { errorAfterTokens: 2, errorMessage: 'CUDA error: out of memory' } },
});
let ng: Bundle;
let server: TestServer;
beforeAll(() => ({ ng, server } = suite));

const environment = (model = 'slow') => suite.withModel(model);

function chatIn(injector: EnvironmentInjector, options: ChatResourceOptions = {}): ChatResource {
  return ng.runInInjectionContext(injector, () => ng.chatResource(options));
}

const requestsFor = (model: string) => server.requests.filter((request) => request.body?.model === model);
const lastRequest = (model: string) => requestsFor(model).at(-1)!;

test('status: ready, submitted at send, streaming from the first token, ready at the end; answer and usage', async () => {
  const chat = chatIn(environment());
  expect(chat.status()).toBe('ready');
  chat.send('Count');
  expect(chat.status()).toBe('submitted');
  expect(chat.messages()).toEqual([{ role: 'user', content: 'Count' }]);
  await until(() => chat.answer() !== '');
  expect(chat.status()).toBe('streaming');
  await until(() => chat.status() === 'ready');
  expect(chat.answer()).toBe(WORDS.join(''));
  expect(chat.messages()).toEqual([
    { role: 'user', content: 'Count' },
    { role: 'assistant', content: WORDS.join('') },
  ]);
  expect(chat.usage()).toMatchObject({ tokens: WORDS.length, metrics: { evalCount: WORDS.length } });
  expect(typeof chat.usage().firstTokenMs).toBe('number');
  expect(chat.error()).toBeUndefined();
});

test('stop(): the server sees the disconnect, the partial answer stays and goes with the next question', async () => {
  const chat = chatIn(environment());
  chat.send('Count');
  await until(() => chat.answer().length >= 6);
  chat.stop();
  expect(chat.status()).toBe('ready');
  const stopped = lastRequest('slow');
  await server.until(() => stopped.disconnectedAt !== undefined);
  const partial = chat.answer();
  expect(partial.length).toBeLessThan(WORDS.join('').length);
  expect(chat.messages().at(-1)).toEqual({ role: 'assistant', content: partial });
  chat.send('Go on');
  await until(() => lastRequest('slow') !== stopped);
  expect(lastRequest('slow').body?.messages).toEqual([
    { role: 'user', content: 'Count' },
    { role: 'assistant', content: partial },
    { role: 'user', content: 'Go on' },
  ]);
});

test('a new send while streaming stops the answer (kept; the server sees the disconnect), then asks', async () => {
  const chat = chatIn(environment());
  chat.send('First');
  await until(() => chat.answer().length >= 3);
  const first = lastRequest('slow');
  chat.send('Second');
  expect(chat.status()).toBe('submitted');
  await server.until(() => first.disconnectedAt !== undefined);
  const roles = chat.messages().map((message) => `${message.role}:${message.content}`);
  expect(roles[0]).toBe('user:First');
  expect(roles[1]).toMatch(/^assistant:w0 /);
  expect(roles[2]).toBe('user:Second');
  await until(() => chat.status() === 'ready');
  expect(chat.messages()).toHaveLength(4);
});

test('destroying the injector aborts the request; what was typed stays readable', async () => {
  const injector = environment();
  const chat = chatIn(injector);
  chat.send('Count');
  await until(() => chat.answer().length >= 3);
  const request = lastRequest('slow');
  injector.destroy();
  await server.until(() => request.disconnectedAt !== undefined);
  expect(chat.messages().at(-1)?.content).toBe(chat.answer());
  expect(chat.status()).toBe('ready');
});

test('regenerate() replaces the last answer, asking again with the same messages', async () => {
  const chat = chatIn(environment('quick'));
  chat.send('Hello');
  await until(() => chat.status() === 'ready');
  const before = requestsFor('quick').length;
  chat.regenerate();
  expect(chat.messages()).toEqual([{ role: 'user', content: 'Hello' }]);
  await until(() => chat.status() === 'ready');
  expect(requestsFor('quick')).toHaveLength(before + 1);
  expect(lastRequest('quick').body?.messages).toEqual([{ role: 'user', content: 'Hello' }]);
  expect(chat.messages()).toEqual([
    { role: 'user', content: 'Hello' },
    { role: 'assistant', content: 'Hi there' },
  ]);
});

test('a tool round shows in messages: the call, the tool’s result, then the answer', async () => {
  const add = jest.fn(({ a, b }: { a: number; b: number }) => a + b);
  const chat = chatIn(environment('adder'), { tools: { add: { parameters: { type: 'object' }, execute: add } } });
  chat.send('2 + 3?');
  await until(() => chat.status() === 'ready');
  expect(add).toHaveBeenCalledTimes(1);
  expect(chat.messages()).toEqual([
    { role: 'user', content: '2 + 3?' },
    { role: 'assistant', content: '', tool_calls: [{ function: { name: 'add', arguments: { a: 2, b: 3 } } }] },
    { role: 'tool', content: '5', tool_name: 'add' },
    { role: 'assistant', content: 'The sum is 5' },
  ]);
  expect(chat.answer()).toBe('The sum is 5');
});

test('an OllamaError goes to error() with status error; the partial answer stays; send clears it', async () => {
  const chat = chatIn(environment('broken'));
  chat.send('Hi');
  await until(() => chat.status() === 'error');
  const error = chat.error();
  expect(error).toBeInstanceOf(ng.OllamaError);
  expect(error).toMatchObject({ kind: 'server', partialText: 'partial' });
  expect(chat.messages().at(-1)).toEqual({ role: 'assistant', content: 'partial' });
  const missing = chatIn(environment('broken'), { model: 'nope' });
  missing.send('Hi');
  await until(() => missing.status() === 'error');
  expect(missing.error()).toMatchObject({ kind: 'model_not_found', statusCode: 404 });
  missing.send('Again');
  expect(missing.error()).toBeUndefined();
  expect(missing.status()).toBe('submitted');
});

test('system is sent first but is not one of messages(); thinking streams into thinking()', async () => {
  const chat = chatIn(environment('thinker'), { system: 'Be brief.', think: true });
  chat.send('Why?');
  await until(() => chat.status() === 'ready');
  expect(lastRequest('thinker').body).toMatchObject({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Why?' },
    ],
    think: true,
  });
  expect(chat.messages()).toEqual([
    { role: 'user', content: 'Why?' },
    { role: 'assistant', content: 'Done', thinking: 'Let me think' },
  ]);
  expect(chat.thinking()).toBe('Let me think');
});

test('clear() empties messages, answer, thinking, usage and error; setMessages replaces the conversation', async () => {
  const chat = chatIn(environment('thinker'), { initialMessages: [{ role: 'user', content: 'Earlier' }] });
  expect(chat.messages()).toEqual([{ role: 'user', content: 'Earlier' }]);
  chat.send('Why?');
  await until(() => chat.status() === 'ready');
  chat.clear();
  expect([chat.messages(), chat.answer(), chat.thinking(), chat.usage(), chat.error(), chat.status()]).toEqual([
    [],
    '',
    '',
    { tokens: 0 },
    undefined,
    'ready',
  ]);
  chat.setMessages([{ role: 'assistant', content: 'Hello' }]);
  expect(chat.messages()).toEqual([{ role: 'assistant', content: 'Hello' }]);
});

test('typewriter: the answer is typed out one character at a time', async () => {
  const chat = chatIn(environment('quick'), { typewriter: 20 });
  const seen = new Set<string>();
  let mostTokens = 0;
  chat.send('Hi');
  await until(() => {
    seen.add(chat.answer());
    mostTokens = Math.max(mostTokens, chat.usage().tokens);
    return chat.status() === 'ready';
  });
  expect(chat.answer()).toBe('Hi there');
  expect(seen.has('Hi t')).toBe(true);
  // The model's two tokens, not the typed characters.
  expect(mostTokens).toBe(2);
});

test('outside an injection context without an injector: an error naming chatResource', () => {
  expect(() => ng.chatResource()).toThrow(/chatResource/);
  expect(chatIn(environment()).status()).toBe('ready');
  const injector = environment();
  expect(ng.chatResource({ injector }).status()).toBe('ready');
});

test("model as a function is read at each send (a picker's signal); undefined: the client's model", async () => {
  const picked = ng.signal<string | undefined>(undefined);
  const chat = chatIn(environment('quick'), { model: picked });
  chat.send('One');
  await until(() => chat.status() === 'ready');
  expect(lastRequest('quick').body?.messages).toEqual([{ role: 'user', content: 'One' }]);
  picked.set('thinker');
  chat.send('Two');
  await until(() => chat.status() === 'ready' && chat.answer() === 'Done');
  expect(lastRequest('thinker').body?.messages).toEqual([
    { role: 'user', content: 'One' },
    { role: 'assistant', content: 'Hi there' },
    { role: 'user', content: 'Two' },
  ]);
});
