// The fetch transport against nock: a client given Node's global fetch sends its requests through
// whatever intercepts fetch, so a test can answer them without a server. nock's reply streams the
// NDJSON answer in pieces that cut lines in two, as a network would.
import { Readable } from 'node:stream';
import nock from 'nock';
import { lastValueFrom, toArray } from 'rxjs';
import { OllamaClient, OllamaError, fromOllama } from '../../src/index.js';

const host = 'http://ollama.test:11434';
const lines = [
  { model: 'llama3.2', created_at: '2026-01-01T00:00:00Z', response: 'The sky ', done: false },
  { model: 'llama3.2', created_at: '2026-01-01T00:00:00Z', response: 'is blue.', done: false },
  { model: 'llama3.2', created_at: '2026-01-01T00:00:00Z', response: '', done: true, done_reason: 'stop', eval_count: 2 },
];
const answer = lines.map((line) => `${JSON.stringify(line)}\n`).join('');

/** The answer in pieces of 7 bytes, so that every line arrives in several reads. */
const pieces = () => Readable.from(answer.match(/[\s\S]{1,7}/g)!.map((piece) => Buffer.from(piece)));

let client: OllamaClient;

beforeEach(() => {
  nock.disableNetConnect();
  client = new OllamaClient({ fetch: globalThis.fetch, host, model: 'llama3.2' });
});

afterEach(async () => {
  await client.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

test('fromOllama streams the NDJSON answer nock sends, in pieces, through the global fetch', async () => {
  const sent: unknown[] = [];
  const scope = nock(host)
    .post('/api/generate', (body: unknown) => sent.push(body) > 0)
    .reply(200, pieces, { 'Content-Type': 'application/x-ndjson' });

  const chunks = await lastValueFrom(fromOllama('Why is the sky blue?', { client }).pipe(toArray()));

  expect(scope.isDone()).toBe(true);
  expect(sent).toEqual([expect.objectContaining({ model: 'llama3.2', prompt: 'Why is the sky blue?' })]);
  expect(chunks.map((chunk) => chunk.text)).toEqual(['The sky ', 'is blue.', '']);
  expect(chunks.at(-1)).toMatchObject({ done: true, doneReason: 'stop', metrics: { evalCount: 2 } });
});

test("client.generate$ turns nock's 404 answer into a model_not_found OllamaError", async () => {
  nock(host).post('/api/generate').reply(404, { error: "model 'llama3.2' not found" });

  const error = await lastValueFrom(client.generate$('Hi')).catch((e: unknown) => e);

  expect(error).toBeInstanceOf(OllamaError);
  expect(error).toMatchObject({ kind: 'model_not_found', statusCode: 404 });
});
