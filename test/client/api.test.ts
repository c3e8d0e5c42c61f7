import * as t from 'io-ts';
import { concatMap, lastValueFrom, map, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { collectText } from '../../src/operators/collectText.js';
import { decodeJson } from '../../src/operators/decodeJson.js';
import { conversation } from '../../src/sources/conversation.js';
import { fromOllamaChat } from '../../src/sources/fromOllamaChat.js';
import { type TestServer, startTestServer } from '../../src/testing/server/index.js';
import type { ToolCall } from '../../src/core/types.js';
import { ollamaError, settle, texts } from '../helpers.js';

const weatherCall: ToolCall = { id: 'call_1', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris', unit: 'C' } } };

let server: TestServer;
let client: OllamaClient;

beforeAll(async () => {
  server = await startTestServer({
    models: {
      llama: { tokens: ['The', ' answer', '.'] },
      thinker: { thinking: ['Let', ' me', ' think'], tokens: ['4'] },
      tools: { tokens: [], toolCalls: [weatherCall] },
      json: { tokens: ['{"name":', '"Canada",', '"capital":"Ottawa",', '"languages":["en","fr"]}'] },
      echo: { tokens: (body) => [`${(body?.messages as unknown[] | undefined)?.length ?? 0} messages`] },
      guarded: { faults: { status: 401, body: { error: 'unauthorized', signin_url: 'https://ollama.com/connect?key=abc' } } },
    },
    pullable: { 'new-model': { tokens: ['fresh'] } },
  });
  client = new OllamaClient({ host: server.url, model: 'llama' });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const lastBody = () => server.requests.at(-1)!.body;

describe('chat', () => {
  it('streams message content as text and sends the messages with images', async () => {
    const messages = [{ role: 'user' as const, content: 'What is in this picture?', images: ['aGVsbG8='] }];
    const { values } = await settle(fromOllamaChat(messages, { client }));
    expect(texts(values)).toBe('The answer.');
    expect(values.every((chunk) => chunk.role === 'assistant')).toBe(true);
    expect(values.at(-1)).toMatchObject({ done: true, doneReason: 'stop', metrics: { evalCount: 3 } });
    expect(lastBody()).toEqual({ messages, model: 'llama', stream: true });
  });

  it('keeps thinking apart from the answer text', async () => {
    const chunks = await lastValueFrom(
      client.chat$({ model: 'thinker', think: true, messages: [{ role: 'user', content: '2+2?' }] }).pipe(toArray()),
    );
    expect(chunks.map((c) => c.thinking ?? '').join('')).toBe('Let me think');
    expect(texts(chunks)).toBe('4');
    expect(lastBody()).toMatchObject({ think: true });
  });

  it('delivers tool calls with their arguments object, id and index', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const chunks = await lastValueFrom(
      client.chat$({ model: 'tools', tools, messages: [{ role: 'user', content: 'Weather?' }] }).pipe(toArray()),
    );
    expect(chunks.at(-1)!.toolCalls).toEqual([weatherCall]);
    expect(lastBody()).toMatchObject({ tools });
    const response = await client.chat({ model: 'tools', messages: [{ role: 'user', content: 'Weather?' }] });
    expect(response).toMatchObject({ success: true, toolCalls: [weatherCall], text: '' });
  });

  it('chat() resolves a ModelResponse, streaming or not', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    expect(await client.chat(messages)).toMatchObject({ text: 'The answer.', success: true, done: true });
    expect(lastBody()).toMatchObject({ stream: false });
    expect(await client.chat(messages, { stream: true })).toMatchObject({ text: 'The answer.', success: true });
    expect(await client.chat({ model: 'gone', messages })).toMatchObject({ success: false, statusCode: 404, kind: 'model_not_found' });
  });

  it('conversation() keeps the history across turns', async () => {
    const chat = conversation({ client, model: 'echo', system: 'Be brief.' });
    expect(await lastValueFrom(chat.ask$('one').pipe(collectText()))).toBe('2 messages');
    expect(await lastValueFrom(chat.ask$('two').pipe(collectText()))).toBe('4 messages');
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: '2 messages' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: '4 messages' },
    ]);
    const failing = conversation({ client, model: 'missing' });
    await expect(lastValueFrom(failing.ask$('hello'))).rejects.toMatchObject({ kind: 'model_not_found' });
    expect(failing.messages).toEqual([]);
  });
});

describe('generate options', () => {
  it('sends system, template, raw, images, suffix, keep_alive, think, options, format and context as given', async () => {
    const request = {
      prompt: 'def add(a, b):',
      suffix: '    return result',
      system: 'You write Python.',
      template: '{{ .Prompt }}',
      raw: true,
      images: ['aGVsbG8='],
      keep_alive: '10m',
      think: false,
      options: { temperature: 0.2, num_predict: 64, seed: 7, stop: ['\n\n'] },
      format: { type: 'object', properties: { code: { type: 'string' } } },
      context: [1, 2, 3],
    };
    await lastValueFrom(client.generate$(request));
    expect(lastBody()).toEqual({ ...request, model: 'llama', stream: true });
  });

  it('passes the context of one answer into the next', async () => {
    const first = await client.generate('Remember 7.');
    await client.generate({ prompt: 'What did I say?', context: first.context });
    expect(lastBody()).toMatchObject({ context: [1, 2, 3] });
  });
});

describe('structured output', () => {
  const Country = t.type({ name: t.string, capital: t.string, languages: t.array(t.string) }, 'Country');

  it('decodeJson parses the collected answer and validates it', async () => {
    const country = await lastValueFrom(client.generate$({ prompt: 'Canada?', model: 'json', format: 'json' }).pipe(decodeJson(Country)));
    expect(country).toEqual({ name: 'Canada', capital: 'Ottawa', languages: ['en', 'fr'] });
  });

  it('a value the codec refuses fails with the path that is wrong', async () => {
    const Strict = t.type({ name: t.string, population: t.number }, 'CountryStats');
    const error = await ollamaError(client.generate$({ prompt: 'Canada?', model: 'json' }).pipe(decodeJson(Strict)));
    expect(error.kind).toBe('protocol');
    expect(error.message).toBe('the answer does not match CountryStats: population: expected number, got undefined');
    expect(error.partialText).toContain('Ottawa');
  });

  it('an answer that is not JSON fails readably', async () => {
    const error = await ollamaError(client.generate$('hi').pipe(decodeJson(Country)));
    expect(error).toMatchObject({ kind: 'protocol', message: 'the answer is not JSON: "The answer."' });
  });
});

describe('models and embeddings', () => {
  it('pull$ streams progress with percent and completes on success; the model is then installed', async () => {
    const progress = await lastValueFrom(client.pull$('new-model').pipe(toArray()));
    expect(progress[0]).toEqual({ status: 'pulling manifest' });
    expect(progress.filter((p) => p.percent !== undefined).map((p) => p.percent)).toEqual([0, 25, 50, 75, 100]);
    expect(progress.at(-1)).toEqual({ status: 'success' });
    expect(lastBody()).toEqual({ model: 'new-model', stream: true });
    expect((await client.list()).map((m) => m.name)).toContain('new-model');
  });

  it('pull$ of an unknown model ends with an OllamaError although Ollama answered 200', async () => {
    const { values, error } = await settle(client.pull$('no-such-model'));
    expect(values).toEqual([{ status: 'pulling manifest' }]);
    expect(error).toMatchObject({ kind: 'model_not_found', message: 'pull model manifest: file does not exist' });
  });

  it('embed returns one vector per input', async () => {
    const [one] = await client.embed({ input: 'hello' });
    const many = await client.embed({ model: 'llama', input: ['hello', 'world'] });
    expect(one).toHaveLength(8);
    expect(many).toHaveLength(2);
    expect(many[0]).toEqual(one);
    expect(lastBody()).toEqual({ model: 'llama', input: ['hello', 'world'] });
    await expect(client.embed({ model: 'nope', input: 'x' })).rejects.toMatchObject({ kind: 'model_not_found', statusCode: 404 });
  });

  it('list, show, ps, version', async () => {
    const models = await client.list();
    expect(models.find((m) => m.name === 'llama')).toMatchObject({
      name: 'llama',
      model: 'llama',
      size: expect.any(Number),
      digest: expect.any(String),
    });
    expect(await client.show('llama')).toMatchObject({ capabilities: ['completion'], details: { family: 'test' } });
    await expect(client.show('nope')).rejects.toMatchObject({ kind: 'model_not_found' });
    expect((await client.ps()).map((m) => m.name)).toContain('llama');
    expect(await client.version()).toBe('0.12.0-test');
  });

  it('copy and delete', async () => {
    await client.copy('llama', 'llama-backup');
    expect(lastBody()).toEqual({ source: 'llama', destination: 'llama-backup' });
    expect((await client.list()).map((m) => m.name)).toContain('llama-backup');
    await client.delete('llama-backup');
    expect(server.requests.at(-1)!.method).toBe('DELETE');
    expect((await client.list()).map((m) => m.name)).not.toContain('llama-backup');
    await expect(client.delete('llama-backup')).rejects.toMatchObject({ kind: 'model_not_found', statusCode: 404 });
    await expect(client.copy('nope', 'x')).rejects.toMatchObject({ kind: 'model_not_found' });
  });
});

describe('auth', () => {
  it('sends the bearer token; a 401 is an http error with signin_url and without the token', async () => {
    const token = 'sk-very-secret-token';
    const authed = new OllamaClient({ host: server.url, model: 'guarded', headers: { Authorization: `Bearer ${token}` } });
    const error = await ollamaError(authed.generate$('hi'));
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Bearer ${token}`);
    expect(error).toMatchObject({
      kind: 'http',
      statusCode: 401,
      message: 'unauthorized',
      signinUrl: 'https://ollama.com/connect?key=abc',
    });
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(token);
    const response = await authed.generate('hi');
    expect(JSON.stringify(response)).not.toContain(token);
    await authed.close();
  });
});

describe('conversation turns chained on completion', () => {
  it('the next turn, started as the previous completes, carries it', async () => {
    const chat = conversation({ client, model: 'echo' });
    const answers = await lastValueFrom(
      chat.ask$('one').pipe(
        collectText(),
        concatMap((first) =>
          chat.ask$('two').pipe(
            collectText(),
            map((second) => [first, second]),
          ),
        ),
      ),
    );
    expect(answers).toEqual(['1 messages', '3 messages']);
    expect(chat.messages.map((m) => m.content)).toEqual(['one', '1 messages', 'two', '3 messages']);
  });
});
