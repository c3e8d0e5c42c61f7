// Case 5, as a property: error text is cut short (a line's preview, a body's excerpt), and a secret the
// cut splits must not survive as its prefix. Secrets of many lengths sit at every offset of every kind
// of error text a server can send; no run of 6 of their characters may reach any view of the error.
import { inspect } from 'node:util';
import fc from 'fast-check';
import type { ModelFaults } from '../../../src/testing/server/index.js';
import { settle } from '../../helpers.js';
import { expectNothingLeftBehind, loopback } from './support.js';

const line = (fields: Record<string, unknown>) => JSON.stringify(fields) + '\n';
const token = line({ model: 'm', response: 'a', done: false });

/** Each kind of error text, holding `text` (which holds the secret). */
const KINDS: Record<string, (text: string) => ModelFaults> = {
  notJson: (text) => ({ raw: [token, `${text}\n`] }),
  notJsonAtStart: (text) => ({ raw: [`${text}\n`] }),
  htmlTitle: (text) => ({ status: 502, body: `<html><head><title>${text}</title></head><body>x</body></html>` }),
  htmlBody: (text) => ({ status: 502, body: `<html><body><p>${text}</p></body></html>` }),
  plainBody: (text) => ({ status: 403, body: text, contentType: 'text/plain' }),
  jsonError: (text) => ({ status: 401, body: { error: text } }),
  jsonNotStringError: (text) => ({ status: 500, body: { error: 42, detail: text } }),
  errorLine: (text) => ({ raw: [token, line({ error: text })] }),
  wrongFieldType: (text) => ({ raw: [token, line({ model: 'm', response: 42, done: false, echo: text })] }),
  wrongFieldValue: (text) => ({ raw: [token, line({ model: 'm', response: 'a', done: text })] }),
};

const loop = loopback();
afterEach(() => expectNothingLeftBehind(loop));

/** Every view of an error an application might log or show, down its cause chain. */
function views(error: unknown): string[] {
  const texts: string[] = [inspect(error, { depth: 8 }), JSON.stringify(error) ?? ''];
  for (let current = error, depth = 0; current !== undefined && depth < 6; depth++) {
    const failure = current as Error & { data?: unknown; signinUrl?: string };
    texts.push(String(failure), failure.message ?? '', failure.stack ?? '', String(failure.data), String(failure.signinUrl));
    current = failure.cause;
  }
  return texts;
}

function runsOf(secret: string, length = 6): string[] {
  const runs: string[] = [];
  for (let i = 0; i + length <= secret.length; i++) runs.push(secret.slice(i, i + length));
  return runs;
}

// Secrets from an alphabet the surrounding text and the library's own words never use in runs of 6.
const secretArb = fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ'), minLength: 6, maxLength: 90 });
const fillerArb = (max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghij klmnop'), maxLength: max });

describe('a secret the cut splits is redacted first', () => {
  it('no run of 6 of its characters reaches the error or the ModelResponse', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(KINDS)),
        secretArb,
        fillerArb(260),
        fillerArb(40),
        fc.boolean(),
        async (kind, secret, before, after, whole) => {
          const echoed = whole ? `Bearer ${secret}` : secret;
          loop.server.setModel('echo', { faults: KINDS[kind]!(`${before}${echoed}${after}`) });
          const headers = { authorization: `Bearer ${secret}` };
          const { error } = await settle(loop.client.generate$('x', { model: 'echo', headers }));
          expect(error).toBeDefined();
          const response = await loop.client.generate('x', { model: 'echo', headers, stream: true });
          const texts = [...views(error), JSON.stringify(response), inspect(response, { depth: 8 })].join('\n');
          for (const run of runsOf(secret)) expect(texts).not.toContain(run);
        },
      ),
      { numRuns: 200 },
    );
  });
});
