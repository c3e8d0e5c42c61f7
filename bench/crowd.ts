/** 1,000 concurrent slow streams on one client: every answer right, and what they cost in heap. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { lastValueFrom } from 'rxjs';
import { collectText } from '../src/operators/collectText.js';
import { RxClient } from './contenders.js';
import { CROWD_TOKENS, CROWD_TOKEN_DELAY_MS, crowdTokens } from './protocol.js';
import { type Row, ms } from './table.js';

const STREAMS = 1_000;
const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function measureCrowd(host: string): Promise<Row[]> {
  const rx = new RxClient(host);
  const prompts = Array.from({ length: STREAMS }, (_, i) => `crowd ${i}`);
  gc();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
  const started = performance.now();
  const texts = await Promise.all(prompts.map((prompt) => lastValueFrom(rx.source('crowd', prompt).pipe(collectText()))));
  const elapsed = performance.now() - started;
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const correct = texts.filter((text, i) => text === crowdTokens(prompts[i]!).join('')).length;
  await rx.close();
  gc();
  const retained = process.memoryUsage().heapUsed - before;

  const growth = (peak - before) / MB;
  return [
    {
      figure: `${STREAMS.toLocaleString('en')} concurrent slow streams on one client (${CROWD_TOKENS} tokens, ${CROWD_TOKEN_DELAY_MS} ms apart)`,
      measured: `heap +${growth.toFixed(1)} MB peak, ${correct}/${STREAMS} texts right`,
      compare: `all done in ${ms(elapsed)}; +${(retained / MB).toFixed(1)} MB after close and GC`,
      target: '≤ 64 MB, all right',
      pass: growth <= 64 && correct === STREAMS,
    },
  ];
}
