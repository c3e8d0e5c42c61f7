import { lastValueFrom } from 'rxjs';
import { OllamaClient } from '../../../src/client/client.js';
import { collectText } from '../../../src/operators/collectText.js';
import { resumable } from '../../../src/operators/resumable.js';
import { retryStream } from '../../../src/operators/retryStream.js';
import type { RecordedRequest, TestServer } from '../../../src/testing/server/index.js';
import type { ChatRequest, GenerateRequest } from '../../../src/core/types.js';
import { ollamaError, settle, texts } from '../../helpers.js';
import { expectFailure, expectNothingLeftBehind, loopback } from './support.js';

const STORY = ['Once', ' upon', ' a', ' time', ',', ' a', ' model', ' finished', '.'];
const STORY_TEXT = STORY.join('');

/** The tokens of STORY not yet said: what a model continuing `said` writes. */
function rest(said: string): string[] {
  let written = '';
  let i = 0;
  while (i < STORY.length && written.length < said.length) written += STORY[i++];
  expect(written).toBe(said);
  return STORY.slice(i);
}

/** The answer so far, as a resumed request carries it. */
function saidIn(body: RecordedRequest['body'], prompt: string): string {
  const messages = body?.messages as ChatRequest['messages'] | undefined;
  if (messages) return messages.at(-1)?.role === 'assistant' ? messages.at(-1)!.content : '';
  return body?.raw ? String(body.prompt).slice(prompt.length) : '';
}

const storyteller = (prompt: string) => (body: RecordedRequest['body']) => rest(saidIn(body, prompt));

const loop = loopback();
afterEach(() => expectNothingLeftBehind(loop));

let models = 0;
/** A fresh model name with this script, so each test counts its own requests. */
function model(script: Parameters<TestServer['setModel']>[1]): { name: string; requests: () => RecordedRequest[] } {
  const name = `model-${models++}`;
  loop.server.setModel(name, script);
  return { name, requests: () => loop.server.requests.filter((r) => r.body?.model === name) };
}

const fast = { delay: 1 };

describe('retryStream against the test server', () => {
  it('retries 503s until the server answers, and streams the whole text once', async () => {
    const busy = model({
      tokens: STORY,
      faults: { status: 503, body: { error: 'server busy, please try again.  maximum pending requests exceeded' } },
      failuresBeforeSuccess: 2,
    });
    const { values, completed } = await settle(loop.client.generate$('x', { model: busy.name }).pipe(retryStream(fast)));
    expect(completed).toBe(true);
    expect(texts(values)).toBe(STORY_TEXT);
    expect(busy.requests()).toHaveLength(3);
  });

  it('retries a connection reset before headers', async () => {
    const flaky = model({ tokens: STORY, faults: { resetBeforeHeaders: true }, failuresBeforeSuccess: 1 });
    const last = await lastValueFrom(loop.client.chat$([{ role: 'user', content: 'x' }], { model: flaky.name }).pipe(retryStream(fast)));
    expect(last.done).toBe(true);
    expect(flaky.requests()).toHaveLength(2);
  });

  it('retries a model load past firstToken', async () => {
    const cold = model({ tokens: STORY, faults: { loadStallMs: 60_000 }, failuresBeforeSuccess: 1 });
    const { values } = await settle(
      loop.client.generate$('x', { model: cold.name, timeouts: { firstToken: 400 } }).pipe(retryStream(fast)),
    );
    expect(texts(values)).toBe(STORY_TEXT);
    expect(cold.requests().map((r) => Boolean(r.disconnectedAt))).toEqual([true, false]);
  });

  it('sends an unknown model once', async () => {
    const error = await ollamaError(loop.client.generate$('x', { model: 'no-such-model' }).pipe(retryStream(fast)));
    expectFailure(error, { kind: 'model_not_found', statusCode: 404, partialText: '' });
    expect(loop.server.requests.filter((r) => r.body?.model === 'no-such-model')).toHaveLength(1);
  });

  it('does not retry a stream that failed after its first chunk', async () => {
    const broken = model({ tokens: STORY, faults: { errorAfterTokens: 2 }, failuresBeforeSuccess: 1 });
    const { values, error } = await settle(loop.client.generate$('x', { model: broken.name }).pipe(retryStream(fast)));
    expect(texts(values)).toBe('Once upon');
    expectFailure(error, { kind: 'server', partialText: 'Once upon' });
    expect(broken.requests()).toHaveLength(1);
  });

  it('does not retry after client.close()', async () => {
    const closing = new OllamaClient({ host: loop.server.url });
    const slow = model({ tokens: ['a'], loadDelayMs: 60_000 });
    const run = settle(closing.generate$('x', { model: slow.name }).pipe(retryStream({ delay: 60_000 })));
    await loop.server.until(() => slow.requests().length === 1);
    await closing.close();
    const { error } = await run;
    expectFailure(error, { kind: 'network', partialText: '' });
    expect(slow.requests()).toHaveLength(1);
  });
});

describe('resumable', () => {
  it('continues a generate stream that failed mid-way with the prompt plus the partial text, raw', async () => {
    const prompt = 'Tell me a story. ';
    const story = model({ tokens: storyteller(prompt), faults: { errorAfterTokens: 3 }, failuresBeforeSuccess: 1 });
    const request: GenerateRequest = { model: story.name, prompt, context: [1, 2, 3], options: { temperature: 0 } };
    const { values, completed } = await settle(resumable(request, (next) => loop.client.generate$(next), fast));
    expect(completed).toBe(true);
    expect(texts(values)).toBe(STORY_TEXT);
    expect(values.filter((c) => c.done)).toHaveLength(1);
    const [first, second] = story.requests();
    expect(first!.body).toEqual({ ...request, stream: true });
    expect(second!.body).toEqual({
      model: story.name,
      prompt: `${prompt}Once upon a`,
      raw: true,
      options: { temperature: 0 },
      stream: true,
    });
  });

  it('continues a chat stream cut by a reset with a trailing assistant message', async () => {
    const story = model({ tokens: storyteller(''), faults: { resetAfterTokens: 4 }, failuresBeforeSuccess: 1 });
    const request: ChatRequest = { model: story.name, messages: [{ role: 'user', content: 'Tell me a story.' }] };
    const { values, completed } = await settle(resumable(request, (next) => loop.client.chat$(next), fast));
    expect(completed).toBe(true);
    expect(texts(values)).toBe(STORY_TEXT);
    expect(story.requests()[1]!.body!.messages).toEqual([
      { role: 'user', content: 'Tell me a story.' },
      { role: 'assistant', content: 'Once upon a time' },
    ]);
  });

  it('sends the request again as it was when a thinking model drops before any answer text', async () => {
    const thinker = model({
      thinking: ['Let', ' me', ' think'],
      tokens: ['42'],
      faults: { resetAfterTokens: 1 },
      failuresBeforeSuccess: 1,
    });
    const request: ChatRequest = { model: thinker.name, messages: [{ role: 'user', content: '6 × 7?' }] };
    const { values, completed } = await settle(resumable(request, (next) => loop.client.chat$(next).pipe(retryStream(fast)), fast));
    expect(completed).toBe(true);
    expect(texts(values)).toBe('42');
    expect(thinker.requests().map((r) => r.body!.messages)).toEqual([request.messages, request.messages]);
  });

  it('extends an assistant message the request already ended with', async () => {
    const story = model({ tokens: storyteller(''), faults: { errorAfterTokens: 2 }, failuresBeforeSuccess: 1 });
    const request: ChatRequest = {
      model: story.name,
      messages: [
        { role: 'user', content: 'Tell me a story.' },
        { role: 'assistant', content: '' },
      ],
    };
    const text = await lastValueFrom(resumable(request, (next) => loop.client.chat$(next), fast).pipe(collectText()));
    expect(text).toBe(STORY_TEXT);
    expect(story.requests()[1]!.body!.messages).toEqual([
      { role: 'user', content: 'Tell me a story.' },
      { role: 'assistant', content: 'Once upon' },
    ]);
  });

  it('carries all the text so far into each resume, and into the error when resumes run out', async () => {
    const prompt = 'p: ';
    const story = model({ tokens: storyteller(prompt), faults: { errorAfterTokens: 2 }, failuresBeforeSuccess: 3 });
    const { values, error } = await settle(
      resumable({ model: story.name, prompt }, (next) => loop.client.generate$(next), { count: 2, delay: 1 }),
    );
    expect(texts(values)).toBe('Once upon a time, a');
    expectFailure(error, { kind: 'server', partialText: 'Once upon a time, a' });
    expect(story.requests().map((r) => r.body!.prompt)).toEqual(['p: ', 'p: Once upon', 'p: Once upon a time']);
  });

  it('does not resume a failure no new request can fix, nor one before any text', async () => {
    const garbled = model({ faults: { raw: [`${JSON.stringify({ response: 'Hi', done: false })}\n`, '{"response": 1}\n'] } });
    const { values, error } = await settle(resumable({ model: garbled.name, prompt: 'x' }, (next) => loop.client.generate$(next), fast));
    expect(texts(values)).toBe('Hi');
    expectFailure(error, { kind: 'protocol', partialText: 'Hi' });
    expect(garbled.requests()).toHaveLength(1);

    const down = model({ faults: { status: 500, body: { error: 'llama runner process has terminated' } }, failuresBeforeSuccess: 1 });
    const early = await ollamaError(resumable({ model: down.name, prompt: 'x' }, (next) => loop.client.generate$(next), fast));
    expectFailure(early, { kind: 'server', statusCode: 500, partialText: '' });
    expect(down.requests()).toHaveLength(1);
  });

  it('composes with retryStream for failures before the first token of any attempt', async () => {
    const down = model({
      tokens: STORY,
      faults: { status: 500, body: { error: 'llama runner process has terminated' } },
      failuresBeforeSuccess: 1,
    });
    const { values } = await settle(
      resumable({ model: down.name, prompt: 'x' }, (next) => loop.client.generate$(next).pipe(retryStream(fast)), fast),
    );
    expect(texts(values)).toBe(STORY_TEXT);
  });

  it('passes the attempt number to send, e.g. to fail over to another client', async () => {
    const story = model({ tokens: storyteller(''), faults: { errorAfterTokens: 1 }, failuresBeforeSuccess: 1 });
    const attempts: number[] = [];
    await lastValueFrom(
      resumable(
        { model: story.name, messages: [{ role: 'user', content: 'x' }] },
        (next, attempt) => (attempts.push(attempt), loop.client.chat$(next)),
        fast,
      ),
    );
    expect(attempts).toEqual([0, 1]);
  });

  it('is cold: nothing is sent before subscription, and each subscription starts over', async () => {
    const story = model({ tokens: STORY });
    const story$ = resumable({ model: story.name, prompt: 'x' }, (next) => loop.client.generate$(next));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(story.requests()).toHaveLength(0);
    await lastValueFrom(story$);
    await lastValueFrom(story$);
    expect(story.requests()).toHaveLength(2);
  });
});
