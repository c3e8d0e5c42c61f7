// Every function that returns an Observable returns one for any input: bad input (no model, bad
// options, a malformed request) errors at subscribe with an OllamaConfigError, never throws at the
// call, and nothing is sent.
import type { Observable } from 'rxjs';
import { OllamaClient, OllamaConfigError, ensureModel$, fromOllama, fromOllamaChat, runTools$ } from '../../src/index.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import { atSubscribe } from '../helpers.js';

let server: TestServer;
let client: OllamaClient;
const saved = process.env.OLLAMA_MODEL;

beforeAll(async () => {
  delete process.env.OLLAMA_MODEL;
  server = await startTestServer();
  client = new OllamaClient({ host: server.url });
});

afterAll(async () => {
  if (saved !== undefined) process.env.OLLAMA_MODEL = saved;
  await client.close();
  await server.close();
});

const question = [{ role: 'user' as const, content: 'x' }];
const bad = <T>(value: unknown) => value as T;

const cases: [string, () => Observable<unknown>][] = [
  ['generate$ without a model', () => client.generate$('x')],
  ['generate$ with a bad per-call timeout', () => client.generate$({ prompt: 'x', model: 'm' }, { timeouts: { idle: -1 } })],
  ['chat$ without a model', () => client.chat$(question)],
  ['chat$ with a header HTTP cannot carry', () => client.chat$({ model: 'm', messages: question }, { headers: { 'x-a': 'a\nb' } })],
  ['pull$ without a model', () => client.pull$(bad(undefined))],
  ['push$ with an empty model', () => client.push$('')],
  ['create$ without a request', () => client.create$(bad(null))],
  ['create$ with a file of the wrong type', () => client.create$({ model: 'm', files: { 'a.gguf': bad(42) } })],
  ['ensureModel$ without a model', () => client.ensureModel$()],
  ['runTools$ without a model', () => client.runTools$(question, {})],
  ['runTools$ with tools that are not an object', () => client.runTools$({ model: 'm', messages: question }, bad(null))],
  ['fromOllama without a model', () => fromOllama('x', { client })],
  ['fromOllamaChat with a bad host', () => fromOllamaChat(question, { host: 'ftp://h', model: 'm' })],
  ['runTools$ (standalone) with maxSteps 0', () => runTools$({ model: 'm', messages: question }, {}, { client, maxSteps: 0 })],
  ['ensureModel$ (standalone) without a model', () => ensureModel$(undefined, { client })],
];

it.each(cases)('%s: an OllamaConfigError at subscribe, nothing sent', (_name, make) => {
  const before = server.requests.length;
  expect(atSubscribe(make)).toThrow(OllamaConfigError);
  expect(server.requests.length).toBe(before);
});
