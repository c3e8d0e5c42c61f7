import { NEVER, Observable, filter, firstValueFrom, lastValueFrom, map, of, toArray } from 'rxjs';
import { ToolCallError } from '../../src/core/errors.js';
import type { ToolEvent, Tools } from '../../src/agents/toolLoop.js';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { conversation } from '../../src/sources/conversation.js';
import { runTools$ } from '../../src/sources/runTools.js';
import { simulatedToolModel } from '../../src/testing/simulated.js';
import { type ModelScript, type RecordedRequest, type TestServer, startTestServer } from '../../src/testing/server/index.js';
import type { ChatMessage, ChatRequest, ToolCall } from '../../src/core/types.js';
import { atSubscribe, settle } from '../helpers.js';

type Body = RecordedRequest['body'];
const messagesOf = (body: Body) => (body?.messages ?? []) as ChatMessage[];
const lastRole = (body: Body) => messagesOf(body).at(-1)?.role;

/** A model that makes `calls` while the last message is not a tool's, then answers with the tools' words. */
function callsThenAnswers(calls: ToolCall[], options: Partial<ModelScript> = {}): ModelScript {
  return {
    toolCalls: (body) => (lastRole(body) === 'tool' ? [] : calls),
    tokens: (body) =>
      lastRole(body) === 'tool'
        ? [
            'Tools',
            ' said:',
            ...messagesOf(body)
              .filter((m) => m.role === 'tool')
              .map((m) => ` ${m.tool_name}=${m.content}`),
          ]
        : ['Let me check.'],
    ...options,
  };
}

const call = (name: string, args: Record<string, unknown>, id?: string, index = 0): ToolCall => ({
  ...(id === undefined ? {} : { id }),
  function: { index, name, arguments: args },
});
const weatherCall = call('get_weather', { city: 'Paris' }, 'call_1', 0);
const timeCall = call('get_time', { city: 'Paris' }, 'call_2', 1);

let server: TestServer;
let client: OllamaClient;

beforeAll(async () => {
  server = await startTestServer({
    models: {
      agent: callsThenAnswers([weatherCall, timeCall]),
      idless: callsThenAnswers([call('get_weather', { city: 'Oslo' })]),
      unknown: callsThenAnswers([call('launch_rockets', {}, 'call_9')]),
      forever: { toolCalls: [weatherCall], tokens: ['Again.'] },
      plain: { tokens: ['No', ' tools', ' needed.'] },
      slowAnswer: callsThenAnswers([weatherCall], { tokenDelayMs: 20, loadDelayMs: 0 }),
      simulated: simulatedToolModel({ tokenDelayMs: 0, loadDelayMs: 0 }),
    },
  });
  client = new OllamaClient({ host: server.url, model: 'agent' });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

const question: ChatMessage[] = [{ role: 'user', content: 'Weather and time in Paris?' }];
const weatherTools = (execute: Partial<Record<'get_weather' | 'get_time', Tools[string]['execute']>> = {}): Tools => ({
  get_weather: {
    description: 'The weather of a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    execute: execute.get_weather ?? (({ city }: { city: string }) => ({ city, temperatureC: 18 })),
  },
  get_time: {
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
    execute: execute.get_time ?? (() => '14:05'),
  },
});
const requestsSince = (before: number) => server.requests.slice(before).filter((request) => request.path === '/api/chat');
const types = (events: ToolEvent[]) => events.map((event) => event.type);

describe('runTools$', () => {
  it('runs the calls of a round, sends their results back and ends with the answer', async () => {
    const before = server.requests.length;
    const events = await lastValueFrom(client.runTools$(question, weatherTools()).pipe(toArray()));

    expect(types(events).filter((type) => type !== 'chunk')).toEqual([
      'tool-call',
      'tool-call',
      'tool-result',
      'tool-result',
      'step',
      'done',
    ]);
    // Every chat chunk is there, the tool-call and done chunks included.
    const chunks = events.flatMap((event) => (event.type === 'chunk' ? [event.chunk] : []));
    expect(chunks.filter((chunk) => chunk.done)).toHaveLength(2);
    expect(chunks.find((chunk) => chunk.toolCalls)?.toolCalls).toEqual([weatherCall, timeCall]);
    expect(events.filter((event) => event.type === 'tool-result')).toEqual(
      expect.arrayContaining([
        { type: 'tool-result', call: weatherCall, result: { city: 'Paris', temperatureC: 18 } },
        { type: 'tool-result', call: timeCall, result: '14:05' },
      ]),
    );

    const [first, second] = requestsSince(before);
    expect(requestsSince(before)).toHaveLength(2);
    expect(first!.body).toMatchObject({
      model: 'agent',
      messages: question,
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', required: ['city'] } },
        },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
      ],
    });
    const history: ChatMessage[] = [
      ...question,
      { role: 'assistant', content: 'Let me check.', tool_calls: [weatherCall, timeCall] },
      // In the order of the calls; a result that is not a string goes as JSON.
      { role: 'tool', content: '{"city":"Paris","temperatureC":18}', tool_name: 'get_weather', tool_call_id: 'call_1' },
      { role: 'tool', content: '14:05', tool_name: 'get_time', tool_call_id: 'call_2' },
    ];
    expect(second!.body?.messages).toEqual(history);
    expect(events.find((event) => event.type === 'step')).toEqual({ type: 'step', messages: history });

    const answer = 'Tools said: get_weather={"city":"Paris","temperatureC":18} get_time=14:05';
    expect(events.at(-1)).toEqual({
      type: 'done',
      text: answer,
      reason: 'answer',
      messages: [...history, { role: 'assistant', content: answer }],
    });
  });

  it('runs the calls of one round in parallel', async () => {
    let timeStarted!: () => void;
    const timeIsRunning = new Promise<void>((resolve) => (timeStarted = resolve));
    const tools = weatherTools({
      // Resolves only once the other tool has started: run one after the other, this would never end.
      get_weather: async () => {
        await timeIsRunning;
        return 'sunny';
      },
      get_time: () => {
        timeStarted();
        return new Promise((resolve) => setTimeout(() => resolve('noon'), 5));
      },
    });
    const done = await lastValueFrom(client.runTools$(question, tools).pipe(filter((event) => event.type === 'done')));
    expect(done.text).toBe('Tools said: get_weather=sunny get_time=noon');
  });

  it("takes an Observable's last value as the result, and leaves tool_call_id out when the call had no id", async () => {
    const before = server.requests.length;
    const tools = weatherTools({ get_weather: () => of('cloudy', 'rain') });
    const events = await lastValueFrom(runTools$(question, tools, { client, model: 'idless' }).pipe(toArray()));
    expect(events.find((event) => event.type === 'tool-result')).toMatchObject({ result: 'rain' });
    expect(messagesOf(requestsSince(before)[1]!.body).at(-1)).toEqual({ role: 'tool', content: 'rain', tool_name: 'get_weather' });
  });

  it('an answer without tool calls ends the run after one request', async () => {
    const before = server.requests.length;
    const events = await lastValueFrom(client.runTools$({ model: 'plain', messages: question }, weatherTools()).pipe(toArray()));
    expect(types(events)).toEqual(['chunk', 'chunk', 'chunk', 'chunk', 'done']);
    expect(events.at(-1)).toMatchObject({ text: 'No tools needed.', reason: 'answer' });
    expect(requestsSince(before)).toHaveLength(1);
  });

  describe('tool errors', () => {
    it('a tool that throws is reported to the model, which answers anyway', async () => {
      const before = server.requests.length;
      const boom = new Error('the weather service is down');
      const events = await lastValueFrom(
        client.runTools$(question, weatherTools({ get_weather: () => Promise.reject(boom) })).pipe(toArray()),
      );
      const failure = events.find((event) => event.type === 'tool-error');
      expect(failure).toMatchObject({ call: weatherCall, error: expect.any(ToolCallError) });
      const error = (failure as { error: ToolCallError }).error;
      expect(error).toMatchObject({ message: "tool 'get_weather' failed: the weather service is down", cause: boom, call: weatherCall });
      expect(messagesOf(requestsSince(before)[1]!.body)).toContainEqual({
        role: 'tool',
        content: "tool 'get_weather' failed: the weather service is down",
        tool_name: 'get_weather',
        tool_call_id: 'call_1',
      });
      expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'answer' });
    });

    it.each([
      ['an object without a prototype', () => Object.create(null) as unknown],
      [
        'an object whose toString throws',
        () => ({
          toString: () => {
            throw new Error('no');
          },
        }),
      ],
      ['a symbol', () => Symbol('odd')],
    ])('a tool that throws %s is a tool-error too (issue 21)', async (_what, thrown) => {
      const tools = weatherTools({
        get_weather: () => {
          throw thrown();
        },
      });
      const events = await lastValueFrom(client.runTools$(question, tools).pipe(toArray()));
      const failure = events.find((event) => event.type === 'tool-error') as { error: ToolCallError };
      expect(failure.error).toBeInstanceOf(ToolCallError);
      expect(failure.error.message).toMatch(/^tool 'get_weather' failed: /);
      expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'answer' });
    });

    it('a call to an unknown tool says so and names it', async () => {
      const before = server.requests.length;
      const events = await lastValueFrom(client.runTools$({ model: 'unknown', messages: question }, weatherTools()).pipe(toArray()));
      const failure = events.find((event) => event.type === 'tool-error') as { error: Error };
      expect(failure.error.message).toBe("unknown tool 'launch_rockets' (the tools are: get_weather, get_time)");
      expect(messagesOf(requestsSince(before)[1]!.body).at(-1)).toMatchObject({ role: 'tool', tool_name: 'launch_rockets' });
      expect(events.at(-1)).toMatchObject({ type: 'done', reason: 'answer' });
    });

    it("with toolErrors: 'fail' the run errors, aborts the other tools and asks nothing more", async () => {
      const before = server.requests.length;
      let timeSignal: AbortSignal | undefined;
      const tools = weatherTools({
        // A rejection arrives after both tools have started.
        get_weather: () => Promise.reject(new Error('no such city')),
        get_time: (_args, { signal }) => {
          timeSignal = signal;
          return NEVER;
        },
      });
      const { values, error } = await settle(client.runTools$(question, tools, { toolErrors: 'fail' }));
      expect(error).toBeInstanceOf(ToolCallError);
      expect((error as Error).message).toBe("tool 'get_weather' failed: no such city");
      expect(timeSignal?.aborted).toBe(true);
      expect(types(values).filter((type) => type !== 'chunk')).toEqual(['tool-call', 'tool-call']);
      expect(requestsSince(before)).toHaveLength(1);
    });
  });

  describe('maxSteps', () => {
    it('caps the number of chat requests; the last round still runs its tools', async () => {
      const before = server.requests.length;
      const events = await lastValueFrom(
        client.runTools$({ model: 'forever', messages: question }, weatherTools(), { maxSteps: 3 }).pipe(toArray()),
      );
      expect(requestsSince(before)).toHaveLength(3);
      expect(events.filter((event) => event.type === 'step')).toHaveLength(3);
      const done = events.at(-1) as Extract<ToolEvent, { type: 'done' }>;
      expect(done).toMatchObject({ type: 'done', reason: 'maxSteps', text: 'Again.' });
      expect(done.messages.map((message) => message.role)).toEqual(['user', ...Array(3).fill(['assistant', 'tool']).flat()]);
    });

    it('is 8 by default', async () => {
      const before = server.requests.length;
      const done = await lastValueFrom(client.runTools$({ model: 'forever', messages: question }, weatherTools()));
      expect(done).toMatchObject({ type: 'done', reason: 'maxSteps' });
      expect(requestsSince(before)).toHaveLength(8);
    });

    it('must be a whole number of at least 1', () => {
      expect(atSubscribe(() => client.runTools$(question, weatherTools(), { maxSteps: 0 }))).toThrow(OllamaConfigError);
      expect(atSubscribe(() => client.runTools$(question, weatherTools(), { maxSteps: 1.5 }))).toThrow(
        /maxSteps must be a whole number of at least 1, not 1.5/,
      );
    });
  });

  describe('bad tools are configuration errors, before anything is sent', () => {
    it('tools that are not an object of named tools', async () => {
      const before = server.requests.length;
      expect(atSubscribe(() => client.runTools$(question, null as unknown as Tools))).toThrow(
        new OllamaConfigError('Invalid ollama-rx tools: expected an object of named tools, got null'),
      );
      expect(atSubscribe(() => client.runTools$(question, [] as unknown as Tools))).toThrow(
        /tools: expected an object of named tools, got an array/,
      );
      // The standalone source emits it on subscription.
      const { error } = await settle(runTools$(question, undefined as unknown as Tools, { client }));
      expect(error).toBeInstanceOf(OllamaConfigError);
      expect(requestsSince(before)).toHaveLength(0);
    });

    it('a tool without an execute function names the tool', async () => {
      const before = server.requests.length;
      const tools = { ...weatherTools(), get_time: { parameters: { type: 'object' } } } as unknown as Tools;
      expect(atSubscribe(() => client.runTools$(question, tools))).toThrow(
        new OllamaConfigError("Invalid ollama-rx tools: 'get_time' has no execute function (got undefined)"),
      );
      expect(atSubscribe(() => client.runTools$(question, { get_time: null } as unknown as Tools))).toThrow(
        /'get_time' has no execute function \(got null\)/,
      );
      expect(requestsSince(before)).toHaveLength(0);
    });

    it('a request without messages', () => {
      expect(atSubscribe(() => client.runTools$({ model: 'agent' } as ChatRequest, weatherTools()))).toThrow(
        new OllamaConfigError('Invalid ollama-rx request: messages must be an array, got undefined'),
      );
    });
  });

  describe('unsubscribing', () => {
    it("during a tool aborts every running tool's signal, and no further request is sent", async () => {
      const before = server.requests.length;
      const signals: AbortSignal[] = [];
      let bothStarted!: () => void;
      const started = new Promise<void>((resolve) => (bothStarted = resolve));
      const record = (signal: AbortSignal) => {
        if (signals.push(signal) === 2) bothStarted();
      };
      const tools = weatherTools({
        get_weather: (_args, { signal }) => (record(signal), new Promise(() => {})),
        get_time: (_args, { signal }) => (record(signal), new Observable(() => {})),
      });
      const subscription = client.runTools$(question, tools).subscribe();
      await started;
      expect(signals.map((signal) => signal.aborted)).toEqual([false, false]);
      subscription.unsubscribe();
      expect(signals.map((signal) => signal.aborted)).toEqual([true, true]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requestsSince(before)).toHaveLength(1);
    });

    it('during a request aborts it: the server sees the disconnect', async () => {
      const before = server.requests.length;
      // The second answer streams slowly; unsubscribe at its first chunk.
      const run = runTools$(question, weatherTools(), { client, model: 'slowAnswer' }).pipe(
        filter((event) => event.type === 'chunk' && event.chunk.text === 'Tools'),
      );
      await firstValueFrom(run);
      await server.until(() => requestsSince(before)[1]?.disconnectedAt !== undefined);
      expect(requestsSince(before)[1]!.finishedAt).toBeUndefined();
    });

    it("the caller's signal ends the run with its reason and aborts the tools", async () => {
      const caller = new AbortController();
      let toolSignal: AbortSignal | undefined;
      const tools = weatherTools({
        get_weather: (_args, { signal }) => {
          toolSignal = signal;
          caller.abort(new Error('user gave up'));
          return NEVER;
        },
      });
      const { error } = await settle(client.runTools$(question, tools, { signal: caller.signal }));
      expect(error).toEqual(new Error('user gave up'));
      expect(toolSignal?.aborted).toBe(true);
    });
  });

  it('is cold: each subscription runs the whole loop again from the same messages', async () => {
    const run$ = runTools$({ model: 'agent', messages: question }, weatherTools(), { host: server.url });
    const texts = await Promise.all([1, 2].map(() => lastValueFrom(run$.pipe(map((event) => (event.type === 'done' ? event.text : ''))))));
    expect(texts[0]).toBe(texts[1]);
    expect(texts[0]).toMatch(/^Tools said:/);
  });
});

describe('conversation().runTools$', () => {
  it('keeps the whole exchange in the history, and the next turn sends it', async () => {
    const chat = conversation({ client, system: 'Be brief.' });
    const done = await lastValueFrom(chat.runTools$('Weather and time in Paris?', weatherTools()));
    expect(done.type).toBe('done');
    expect(chat.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(chat.messages).toEqual((done as Extract<ToolEvent, { type: 'done' }>).messages);

    await lastValueFrom(chat.ask$({ role: 'user', content: 'Thanks!' }).pipe(toArray()));
    const sent = messagesOf(server.requests.at(-1)!.body);
    expect(sent.slice(0, 6)).toEqual(done.type === 'done' ? done.messages : []);
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'Thanks!' });
  });

  it("takes a run's own request options: its headers are sent, its signal ends the run", async () => {
    const chat = conversation({ client });
    const caller = new AbortController();
    const before = server.requests.length;
    const tools = weatherTools({
      get_weather: () => {
        caller.abort(new Error('the user left'));
        return NEVER;
      },
    });
    const { error } = await settle(chat.runTools$('Weather?', tools, { signal: caller.signal, headers: { 'x-run': 'weather' } }));
    expect(error).toEqual(new Error('the user left'));
    expect(requestsSince(before)[0]!.headers['x-run']).toBe('weather');
    expect(chat.messages).toEqual([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Let me check.' },
    ]);
  });

  it('a run that fails before any answer leaves the history as it was', async () => {
    const chat = conversation({ client, request: { model: 'no-such-model' } });
    const { error } = await settle(chat.runTools$('Weather?', weatherTools()));
    expect(error).toMatchObject({ kind: 'model_not_found' });
    expect(chat.messages).toEqual([]);
  });

  it('a run cut short keeps the finished rounds and the text the user saw, never an unanswered call', async () => {
    const chat = conversation({ client, request: { model: 'slowAnswer' } });
    let toolStarted!: () => void;
    const started = new Promise<void>((resolve) => (toolStarted = resolve));
    const subscription = chat.runTools$('Weather?', weatherTools({ get_weather: () => (toolStarted(), NEVER) })).subscribe();
    await started;
    subscription.unsubscribe();
    // The text the user saw is kept; the calls that were never answered are not.
    expect(chat.messages).toEqual([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Let me check.' },
    ]);

    const later = conversation({ client, request: { model: 'slowAnswer' } });
    await firstValueFrom(
      later.runTools$('Weather?', weatherTools()).pipe(filter((event) => event.type === 'chunk' && event.chunk.text === ' said:')),
    );
    expect(later.messages).toEqual([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Let me check.', tool_calls: [weatherCall] },
      { role: 'tool', content: '{"city":"Paris","temperatureC":18}', tool_name: 'get_weather', tool_call_id: 'call_1' },
      { role: 'assistant', content: 'Tools said:' },
    ]);
  });
});

describe("the simulated Ollama's tool-calling model", () => {
  it('calls every tool once, with arguments from the question, then answers from their results', async () => {
    const tools: Tools = {
      ...weatherTools(),
      add: {
        parameters: {
          type: 'object',
          properties: { a: { type: 'number' }, b: { type: 'number' }, unit: { type: 'string', enum: ['C', 'F'] } },
        },
        execute: ({ a, b }: { a: number; b: number }) => a + b,
      },
    };
    const events = await lastValueFrom(
      client
        .runTools$(
          { model: 'simulated', messages: [{ role: 'user', content: 'How warm is it in Rio de Janeiro, and what is 12 plus 30?' }] },
          tools,
        )
        .pipe(toArray()),
    );
    expect(events.flatMap((event) => (event.type === 'tool-call' ? [event.call] : []))).toEqual([
      { id: 'call_1', function: { index: 0, name: 'get_weather', arguments: { city: 'Rio de Janeiro' } } },
      { id: 'call_2', function: { index: 1, name: 'get_time', arguments: { city: 'Rio de Janeiro' } } },
      { id: 'call_3', function: { index: 2, name: 'add', arguments: { a: 12, b: 30, unit: 'C' } } },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'done',
      reason: 'answer',
      text: 'Here is what I found. get_weather says {"city":"Rio de Janeiro","temperatureC":18}; get_time says 14:05; add says 42.',
    });
  });

  it('without tools it says it has none', async () => {
    const text = await lastValueFrom(
      client.runTools$({ model: 'simulated', messages: question }, {}).pipe(map((event) => (event.type === 'done' ? event.text : ''))),
    );
    expect(text).toBe('I have no tools to find that out with; I can only say what I already know.');
  });
});
