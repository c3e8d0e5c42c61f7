import { lastValueFrom, take, toArray } from 'rxjs';
import { OllamaClient } from '../../src/client/client.js';
import { collectText } from '../../src/operators/collectText.js';
import { describeUnless } from '../skips.js';

// Runs only against a real Ollama: OLLAMA_HOST=127.0.0.1:11434 OLLAMA_MODEL=llama3.2 npm test
const host = process.env.OLLAMA_HOST;
const model = process.env.OLLAMA_MODEL;
const enabled = Boolean(host && model);
if (!enabled) {
  console.warn(
    '\n*** real-Ollama suite SKIPPED: set OLLAMA_HOST and OLLAMA_MODEL (a pulled model) to run it. ***\n' +
      '*** No real Ollama exists on CI machines; every other test runs against the project test server. ***\n',
  );
}

const missing = enabled ? undefined : 'set OLLAMA_HOST and OLLAMA_MODEL (a pulled model) to run it against a real Ollama';
describeUnless(missing, `real Ollama at ${host ?? '(unset)'} with ${model ?? '(unset)'}`, () => {
  let client: OllamaClient;
  beforeAll(() => {
    client = new OllamaClient({ host, model, timeouts: { firstToken: 120_000, idle: 30_000 } });
  });
  afterAll(() => client.close());

  it('answers the version and lists the model', async () => {
    expect(await client.version()).toMatch(/^\d+\.\d+/);
    expect((await client.list()).map((m) => m.name)).toEqual(expect.arrayContaining([expect.stringContaining(model!.split(':')[0]!)]));
  });

  it('streams a generate answer with final metrics', async () => {
    const chunks = await lastValueFrom(
      client.generate$({ prompt: 'Say hello in three words.', options: { num_predict: 16 } }).pipe(toArray()),
    );
    expect(chunks.at(-1)).toMatchObject({ done: true, metrics: { evalCount: expect.any(Number) } });
    expect(chunks.map((c) => c.text).join('').length).toBeGreaterThan(0);
  });

  it('streams a chat answer', async () => {
    const text = await lastValueFrom(client.chat$([{ role: 'user', content: 'Reply with one word.' }]).pipe(collectText()));
    expect(text.length).toBeGreaterThan(0);
  });

  it('take(1) aborts the request and the next request still works', async () => {
    await lastValueFrom(client.generate$('Count to one hundred.').pipe(take(1)));
    expect((await client.generate({ prompt: 'Say ok.', options: { num_predict: 4 } })).success).toBe(true);
  });

  it('sends log probabilities when asked, and names the model and why it stopped', async () => {
    const response = await client.generate({ prompt: 'Say ok.', logprobs: true, top_logprobs: 2, options: { num_predict: 4 } });
    expect(response).toMatchObject({ success: true, model: expect.any(String), doneReason: expect.any(String) });
    expect(response.logprobs?.length).toBeGreaterThan(0);
    expect(response.logprobs![0]).toEqual(
      expect.objectContaining({ token: expect.any(String), logprob: expect.any(Number), topLogprobs: expect.any(Array) }),
    );
  });

  it("list, ps and show (verbose) pass the codecs of Ollama's structs", async () => {
    await client.generate({ prompt: 'Say ok.', options: { num_predict: 1 } });
    expect((await client.ps()).some((m) => m.name.startsWith(model!.split(':')[0]!))).toBe(true);
    const shown = await client.show(model!, { verbose: true });
    expect(shown.capabilities).toEqual(expect.arrayContaining(['completion']));
    expect(shown.model_info).toEqual(expect.any(Object));
  });

  it('an unknown model is model_not_found', async () => {
    expect(await client.generate({ prompt: 'x', model: 'no-such-model-ollama-rx' })).toMatchObject({
      success: false,
      kind: 'model_not_found',
    });
  });
});
