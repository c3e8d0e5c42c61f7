/** First-token overhead: request start → first chunk delivered, vs raw undici's first parsed line. */
import { RawUndici, RxClient } from './contenders.js';
import { alternate, median } from './measure.js';
import { type Row, ms } from './table.js';

const ROUNDS = 300;

export async function measureFirstToken(host: string): Promise<Row[]> {
  const raw = new RawUndici(host);
  const rx = new RxClient(host);

  const contenders = {
    raw: async () => {
      const started = performance.now();
      let first = 0;
      await raw.generate('first', 'first token', () => (first ||= performance.now()));
      return first - started;
    },
    fromOllama: () =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        let first = 0;
        rx.source('first', 'first token').subscribe({
          next: () => (first ||= performance.now()),
          error: reject,
          complete: () => resolve(first - started),
        });
      }),
  };
  await alternate(20, contenders);
  const samples = await alternate(ROUNDS, contenders);
  await Promise.all([raw.close(), rx.close()]);

  const overhead = median(samples.fromOllama) - median(samples.raw);
  return [
    {
      figure: `first-token overhead: median first chunk − median raw first line (${ROUNDS} each)`,
      measured: ms(overhead),
      compare: `fromOllama ${ms(median(samples.fromOllama))}, raw undici ${ms(median(samples.raw))}`,
      target: '≤ 1 ms',
      pass: overhead <= 1,
    },
  ];
}
