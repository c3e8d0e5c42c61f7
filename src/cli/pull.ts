import { type Observable, defer, distinctUntilChanged } from 'rxjs';
import type { OllamaClient } from '../client/client.js';
import type { PullProgress } from '../core/types.js';
import type { CliIO } from './io.js';
import { forTerminal, writeLines } from './terminal.js';

/** Without a terminal, a new line for a new status, and every 10 points of progress. */
const PERCENT_STEP = 10;
const BAR_WIDTH = 24;

/** Downloads `model`: a progress bar on a terminal, percentage lines otherwise. */
export function pull$(client: OllamaClient, model: string, io: CliIO): Observable<PullProgress> {
  const progress$ = client.pull$(model);
  const { stdout } = io;
  if (!stdout.isTTY) {
    return progress$.pipe(
      distinctUntilChanged(sameLine),
      writeLines(stdout, (progress) => `${progress.status}${progress.percent === undefined ? '' : ` ${Math.floor(progress.percent)}%`}\n`),
    );
  }
  return defer(() => {
    let drawn: string | undefined;
    return progress$.pipe(
      writeLines(stdout, (progress, writer) => {
        // Each status gets a line of its own; the bar of a status is redrawn in place.
        if (drawn !== undefined && drawn !== progress.status) writer.endLine();
        drawn = progress.status;
        return `\r\x1b[2K${progressLine({ ...progress, status: forTerminal(stdout, progress.status) }, stdout.columns ?? 80)}`;
      }),
    );
  });
}

/** Whether `next` would say nothing new after the line already printed for `shown`. */
function sameLine(shown: PullProgress, next: PullProgress): boolean {
  if (shown.status !== next.status) return false;
  if (next.percent === shown.percent) return true;
  return next.percent !== 100 && (next.percent ?? 0) - (shown.percent ?? 0) < PERCENT_STEP;
}

/** `pulling 4f6b7c8d9e0a  [██████░░░░░░]  25%  1.0 MB/4.0 MB`, cut to `columns`. */
export function progressLine({ status, percent, completed, total }: PullProgress, columns: number): string {
  if (percent === undefined) return status.slice(0, columns - 1);
  const filled = Math.round((percent / 100) * BAR_WIDTH);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
  const size = total === undefined ? '' : `  ${formatBytes(completed ?? 0)}/${formatBytes(total)}`;
  return `${status}  ${bar} ${Math.floor(percent).toString().padStart(3)}%${size}`.slice(0, columns - 1);
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit ? value.toFixed(1) : value} ${units[unit]}`;
}
