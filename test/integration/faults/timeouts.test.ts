import { settle, texts } from '../../helpers.js';
import { expectFailure, expectNothingLeftBehind, loopback } from './support.js';

const loop = loopback({
  models: {
    loading: { tokens: ['late'], loadDelayMs: 60_000 },
    stalls: { tokens: ['a', 'b', 'c'], faults: { stall: { afterTokens: 2, ms: 60_000 } } },
    endless: { tokens: Array.from({ length: 1_000 }, (_, i) => `${i} `), tokenDelayMs: 5 },
  },
});
afterEach(() => expectNothingLeftBehind(loop));

// Limits are generous enough that a loaded machine still sends the request before they expire:
// the server must see each abort.
const lastRequest = () => loop.server.requests.at(-1);

describe('timeout faults', () => {
  it('a model load (no headers) longer than firstToken: timeout/firstToken, and the server sees the abort', async () => {
    const { values, error } = await settle(loop.client.generate$('x', { model: 'loading', timeouts: { firstToken: 400 } }));
    expect(values).toEqual([]);
    expectFailure(error, { kind: 'timeout', phase: 'firstToken', partialText: '' });
    expect((error as Error).message).toBe('timeout: no first token within 400 ms (firstToken)');
    await loop.server.until(() => lastRequest()?.disconnectedAt);
  });

  it('a stall mid-stream longer than idle: timeout/idle with the text so far', async () => {
    const { values, error } = await settle(loop.client.generate$('x', { model: 'stalls', timeouts: { idle: 30 } }));
    expect(texts(values)).toBe('ab');
    expectFailure(error, { kind: 'timeout', phase: 'idle', partialText: 'ab' });
    expect((error as Error).message).toBe('timeout: no chunk within 30 ms (idle)');
    await loop.server.until(() => lastRequest()?.disconnectedAt);
  });

  it('a stream longer than total: timeout/total with the text so far', async () => {
    const { values, error } = await settle(loop.client.generate$('x', { model: 'endless', timeouts: { total: 400, idle: 10_000 } }));
    expectFailure(error, { kind: 'timeout', phase: 'total', partialText: texts(values) });
    expect(texts(values)).toMatch(/^(\d+ )*$/); // how many tokens arrive in time depends on the machine's load
    expect((error as Error).message).toBe('timeout: the stream did not finish within 400 ms (total)');
    await loop.server.until(() => lastRequest()?.disconnectedAt);
  });
});
