/** The benchmark's result rows and how they print. */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';

export interface Row {
  figure: string;
  measured: string;
  /** What it is compared with, and that contender's figure. */
  compare?: string;
  ratio?: string;
  target?: string;
  /** Undefined for rows that only inform. */
  pass?: boolean;
}

export const rate = (chunksPerSecond: number) => `${(chunksPerSecond / 1e6).toFixed(2)} M chunks/s`;
export const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
/** Cut, not rounded, to two decimals: 0.849 must not print as a ratio that meets ≥ 0.85. */
export const times = (ratio: number) => `${(Math.floor(ratio * 100) / 100).toFixed(2)}×`;

export function machine(): string {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  return `${availableParallelism()} × ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

/** A Markdown table, so that the output pastes into the README as it is. */
export function table(rows: readonly Row[]): string {
  const header = ['figure', 'measured', 'compared with', 'ratio', 'target', 'result'];
  const cells = rows.map((row) => [
    row.figure,
    row.measured,
    row.compare ?? '',
    row.ratio ?? '',
    row.target ?? '',
    row.pass === undefined ? '' : row.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) => `| ${values.map((value, i) => value.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}
