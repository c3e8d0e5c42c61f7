import fc from 'fast-check';
import { type Subscription, take } from 'rxjs';
import type { ModelScript } from '../../src/testing/server/index.js';
import { expectNothingLeftBehind, loopback } from './faults/support.js';

const MAX_CONNECTIONS = 3;
const MODELS = {
  fast: { tokens: ['a', 'b', 'c'] },
  slow: { tokens: ['s', 'l', 'o', 'w'], tokenDelayMs: 4 },
  loading: { tokens: ['late'], loadDelayMs: 15 },
  stalling: { tokens: ['x', 'y'], faults: { stall: { afterTokens: 1, ms: 20 } } },
} satisfies Record<string, ModelScript>;
const FULL_TEXT: Record<string, string> = { fast: 'abc', slow: 'slow', loading: 'late', stalling: 'xy' };
type Model = keyof typeof MODELS;

type Step = { op: 'subscribe'; model: Model; takeOne: boolean } | { op: 'unsubscribe'; which: number } | { op: 'wait'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('subscribe' as const), model: fc.constantFrom(...(Object.keys(MODELS) as Model[])), takeOne: fc.boolean() }),
  fc.record({ op: fc.constant('unsubscribe' as const), which: fc.nat() }),
  fc.record({ op: fc.constant('wait' as const), ms: fc.nat({ max: 12 }) }),
);

const loop = loopback({ models: MODELS }, { maxConnections: MAX_CONNECTIONS });

describe('subscribe/unsubscribe interleavings on one client', () => {
  it('never leave a request open on the server, never error, and complete with the whole text', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        // A request aborted just as it was written may reach the server after its run: tag each run's.
        const prompt = `run ${run++}`;
        const live: Subscription[] = [];
        const outcomes: Array<{ model: Model; takeOne: boolean; text: string; completed: boolean; error?: unknown }> = [];
        for (const s of steps) {
          if (s.op === 'subscribe') {
            const outcome = { model: s.model, takeOne: s.takeOne, text: '', completed: false, error: undefined as unknown };
            outcomes.push(outcome);
            const chunks = loop.client.generate$(prompt, { model: s.model });
            live.push(
              (s.takeOne ? chunks.pipe(take(1)) : chunks).subscribe({
                next: (chunk) => void (outcome.text += chunk.text),
                error: (error: unknown) => void (outcome.error = error),
                complete: () => void (outcome.completed = true),
              }),
            );
          } else if (s.op === 'unsubscribe') {
            if (live.length) live.splice(s.which % live.length, 1)[0]!.unsubscribe();
          } else {
            await new Promise((resolve) => setTimeout(resolve, s.ms));
          }
        }
        for (const subscription of live) subscription.unsubscribe();

        const ours = () => loop.server.requests.filter((r) => r.body?.prompt === prompt);
        await loop.server.until(() => ours().every((r) => r.finishedAt ?? r.disconnectedAt));
        expect(ours().length).toBeLessThanOrEqual(outcomes.length);
        // Sockets the client destroyed close on the server a moment later; then only the pool's remain.
        await loop.server.until(() => loop.server.openConnections <= MAX_CONNECTIONS);
        for (const outcome of outcomes) {
          expect(outcome.error).toBeUndefined();
          if (!outcome.completed) continue;
          const full = FULL_TEXT[outcome.model]!;
          if (outcome.takeOne) expect(full.startsWith(outcome.text) && outcome.text.length > 0).toBe(true);
          else expect(outcome.text).toBe(full);
        }
      }),
      { numRuns: 40 },
    );
    await expectNothingLeftBehind(loop);
  });
});
