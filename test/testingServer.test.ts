import { lastValueFrom } from 'rxjs';
import { OllamaClient } from '../src/client.js';
import { collectText } from '../src/operators/collectText.js';
import { resumable } from '../src/operators/resumable.js';
import { startTestServer } from '../src/testing/server.js';
import { DEMO_ANSWER, simulatedAnswer, tokenize } from '../src/testing/simulated.js';

describe('ollama-rx/testing', () => {
  it('tokenize keeps every character, trailing whitespace included', () => {
    expect(tokenize('Hi there.\n')).toEqual(['Hi', ' there.', '\n']);
    expect(tokenize('  lead')).toEqual(['  lead']);
    expect(tokenize('a b c').join('')).toBe('a b c');
  });

  it('setModel starts a new script with its own count of failures before success', async () => {
    const server = await startTestServer({ models: { m: { tokens: ['ok'] } } });
    const client = new OllamaClient({ host: server.url, model: 'm' });
    expect((await client.generate('x')).success).toBe(true);
    expect((await client.generate('x')).success).toBe(true);
    server.setModel('m', { status: 503, body: { error: 'busy' }, failuresBeforeSuccess: 1 });
    expect(await client.generate('x')).toMatchObject({ success: false, statusCode: 503 });
    expect((await client.generate('x')).success).toBe(true);
    await client.close();
    await server.close();
  });

  it('the simulated model answers by the question, deterministically, and echoes one it has no answer for', () => {
    expect(simulatedAnswer({ prompt: 'Why is the sky blue?' })).toBe(DEMO_ANSWER);
    expect(simulatedAnswer({ prompt: '17 × 23?' })).toBe('17 × 23 = 391.');
    expect(simulatedAnswer({ prompt: 'Tell me a story' })).toMatch(/^Once upon a time/);
    expect(simulatedAnswer({ prompt: 'Tell me a story' })).toBe(simulatedAnswer({ prompt: 'Tell me a story' }));
    expect(simulatedAnswer({ prompt: 'Which way to Zanzibar?' })).toMatch(/^You asked: “Which way to Zanzibar\?”\./);
    expect(simulatedAnswer({ prompt: 'Describe it.', images: ['iVBORw0KGgo='] })).toBe('I see a small blue square on a white background.');
    expect(simulatedAnswer({ prompt: 'Tell me about Canada.', format: 'json' })).toBe('{"name":"Canada","capital":"Ottawa","population":40100000,"languages":["English","French"]}');
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'What did I ask?' },
    ];
    expect(simulatedAnswer({ messages })).toBe('Before this you asked “Hi”: the whole conversation is sent with each question.');
  });

  describe('a scripted model continues an answer, as a real model does', () => {
    const STORY = ['Once', ' upon', ' a', ' time', '.'];
    const answer = async (client: OllamaClient, request: Parameters<OllamaClient['chat']>[0] | Parameters<OllamaClient['generate']>[0]) =>
      'messages' in (request as object)
        ? (await client.chat(request as Parameters<OllamaClient['chat']>[0])).text
        : (await client.generate(request as Parameters<OllamaClient['generate']>[0])).text;

    it('from a trailing assistant message (chat) or a raw prompt ending with the start of the answer (generate)', async () => {
      const server = await startTestServer({ models: { story: { tokens: STORY, thinking: ['Hmm'] } } });
      const client = new OllamaClient({ host: server.url, model: 'story' });
      const user = { role: 'user' as const, content: 'Tell me a story.' };
      try {
        expect(await answer(client, { messages: [user, { role: 'assistant', content: 'Once upon' }] })).toBe(' a time.');
        // Cut inside a token: the rest of that token comes first.
        expect(await answer(client, { messages: [user, { role: 'assistant', content: 'Once up' }] })).toBe('on a time.');
        expect(await answer(client, { prompt: 'Tell me a story. Once upon a', raw: true })).toBe(' time.');
        // Not continuations: the whole answer.
        expect(await answer(client, { messages: [user, { role: 'assistant', content: 'Something else' }] })).toBe('Once upon a time.');
        expect(await answer(client, { prompt: 'Tell me a story. Once upon a' })).toBe('Once upon a time.');
        const continued = await client.chat({ messages: [user, { role: 'assistant', content: 'Once' }] });
        expect(continued.thinking).toBeUndefined();
      } finally {
        await client.close();
        await server.close();
      }
    });

    it.each(['chat', 'generate'] as const)('resumable against a fixed token list writes the story once (%s)', async (endpoint) => {
      const server = await startTestServer({ models: { story: { tokens: STORY, errorAfterTokens: 2, failuresBeforeSuccess: 1 } } });
      const client = new OllamaClient({ host: server.url, model: 'story' });
      const story$ =
        endpoint === 'chat'
          ? resumable({ messages: [{ role: 'user', content: 'Tell me a story.' }] }, (next) => client.chat$(next), { delay: 1 })
          : resumable({ prompt: 'Tell me a story. ' }, (next) => client.generate$(next), { delay: 1 });
      try {
        expect(await lastValueFrom(story$.pipe(collectText()))).toBe('Once upon a time.');
        expect(server.requests).toHaveLength(2);
      } finally {
        await client.close();
        await server.close();
      }
    });
  });
});
