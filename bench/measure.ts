/** Statistics and the alternating runner every figure of the benchmark is measured with. */

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export const median = (samples: readonly number[]) => quantile(samples, 0.5);

/**
 * Runs every contender once per round, in turn, for `rounds` rounds, so that the machine's changing
 * load (it is shared) falls on all of them alike. Returns each contender's samples in ms, or
 * whatever figure its run resolves with.
 */
export async function alternate<K extends string>(
  rounds: number,
  contenders: Record<K, () => Promise<number | void>>,
): Promise<Record<K, number[]>> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < rounds; round++) {
    // Rotated each round: no contender always runs right after the same one.
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      const started = performance.now();
      const figure = await contenders[name]();
      samples[name].push(figure ?? performance.now() - started);
    }
  }
  return samples;
}

/** The CPU time (user + system, ms) this process spent while `run` was running. */
export async function cpuTime(run: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await run();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / 1000;
}
