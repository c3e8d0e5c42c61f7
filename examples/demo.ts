/**
 * `npm run demo`: an answer typing into the terminal under a live status line (tokens, first-token
 * latency, tokens/s). Without OLLAMA_HOST the answer comes from an embedded simulated model; with it,
 * from that Ollama and OLLAMA_MODEL (default: its first model). Ctrl-C stops the request at once, also
 * while the model is loading, and exits with 130. Piped, it prints plain text and no control codes; when
 * the reader of the pipe goes away (`| head`), it stops the request and exits with 0.
 */
import {
  type Observable,
  EMPTY,
  NEVER,
  catchError,
  combineLatest,
  connect,
  endWith,
  filter,
  finalize,
  firstValueFrom,
  ignoreElements,
  interval,
  map,
  merge,
  race,
  share,
  startWith,
  take,
  takeUntil,
  tap,
  zip,
} from 'rxjs';
import {
  type StreamChunk,
  type StreamTimings,
  countTokens,
  firstTokenLatency,
  fromOllama,
  streamTimings,
  typewriter,
} from '../src/index.js';
import { type ExampleIO, type Output, openWithPrompt } from './support.js';

export const summary = 'The showcase: an answer typing in under a live status line; Ctrl-C cancels';

const MS_PER_CHAR = 12;
/** The typing never trails the model by more than this. */
const MAX_LAG_MS = 1_500;
const STATUS_EVERY_MS = 100;
const EXIT_INTERRUPTED = 130;

type Frame = { text: string } | { status: string } | { timings: StreamTimings };

export async function main(io: ExampleIO): Promise<number> {
  // `npm run demo -- --web`: the same, as a chat page in the browser (examples/web/site.ts).
  if (io.args[0] === '--web') return (await import('./web/site.js')).serveChat(io);
  await using ollama = await openWithPrompt(io, 'Why is the sky blue?');

  const statusBar = StatusBar.for(io.stdout);
  const render = (frame: Frame) => {
    if ('text' in frame) io.stdout.write(frame.text);
    else if ('status' in frame) statusBar?.show(frame.status);
    else io.stdout.write(`\n\n${describe(frame.timings)}\n`);
  };
  const finished$ = frames(fromOllama(ollama.prompt, { client: ollama.client }), { typed: Boolean(statusBar) }).pipe(
    tap({ next: render, error: () => io.stdout.write('\n') }),
    ignoreElements(),
    endWith(0),
  );
  const interrupted$ = io.interrupts.pipe(
    take(1),
    tap(() => io.stdout.write('\n\n(cancelled)\n')),
    map(() => EXIT_INTERRUPTED),
  );

  const outputClosed$ = (io.outputClosed ?? NEVER).pipe(map(() => 0));

  statusBar?.open();
  // Whichever comes first: the end of the answer, Ctrl-C or a closed stdout; the latter two
  // unsubscribe from (and so abort) the request.
  return await firstValueFrom(race(finished$, interrupted$, outputClosed$).pipe(finalize(() => statusBar?.close())));
}

/**
 * What to draw while `chunks$` streams: the text (typed out when `typed`), status lines while it runs,
 * and the timings once all the text is out. A failure is reported after the text received before it.
 */
function frames(chunks$: Observable<StreamChunk>, { typed }: { typed: boolean }): Observable<Frame> {
  return chunks$.pipe(
    connect((chunks) => {
      const text$ = (typed ? chunks.pipe(typewriter(MS_PER_CHAR, { maxLagMs: MAX_LAG_MS })) : chunks).pipe(share());
      const textDone$ = text$.pipe(ignoreElements(), endWith(true));
      // The side readers stop quietly on a failure: the text reader reports it, after its backlog.
      const settled = chunks.pipe(catchError(() => EMPTY));
      const status$ = typed ? liveStatus(settled).pipe(takeUntil(textDone$)) : EMPTY;
      const timings$ = zip(settled.pipe(streamTimings()), textDone$).pipe(map(([timings]) => ({ timings })));
      return merge(
        text$.pipe(
          filter((chunk) => chunk.text !== ''),
          map(({ text }) => ({ text })),
        ),
        status$.pipe(map((status) => ({ status }))),
        timings$,
      );
    }),
  );
}

/**
 * A status line every `STATUS_EVERY_MS` while `chunks` streams — waiting for the model, then the
 * count and the rate — and on each chunk. It stays as it was when the stream ended.
 */
function liveStatus(chunks: Observable<StreamChunk>): Observable<string> {
  const startedAt = performance.now();
  const ended$ = chunks.pipe(ignoreElements(), endWith(true));
  return combineLatest([
    chunks.pipe(countTokens(), startWith(0)),
    chunks.pipe(firstTokenLatency(), startWith(undefined)),
    interval(STATUS_EVERY_MS).pipe(startWith(0), takeUntil(ended$)),
  ]).pipe(
    map(([tokens, firstTokenMs]) => {
      const elapsedMs = performance.now() - startedAt;
      if (firstTokenMs === undefined) return `waiting for the model… ${(elapsedMs / 1000).toFixed(1)} s`;
      const generatingMs = elapsedMs - firstTokenMs;
      const rate = tokens > 1 && generatingMs > 0 ? ((tokens - 1) / generatingMs) * 1000 : undefined;
      return describe({ tokens, firstTokenMs, tokensPerSecond: rate });
    }),
  );
}

function describe({ tokens, firstTokenMs, tokensPerSecond, totalMs }: Partial<StreamTimings>): string {
  const parts = [`${tokens} tokens`];
  if (firstTokenMs !== undefined) parts.push(`first token after ${Math.round(firstTokenMs)} ms`);
  if (tokensPerSecond !== undefined) parts.push(`${tokensPerSecond.toFixed(1)} tokens/s`);
  if (totalMs !== undefined) parts.push(`${(totalMs / 1000).toFixed(1)} s in all`);
  return parts.join(' · ');
}

/**
 * A status line pinned to the terminal's last row: the rows above become the scrolling region, so
 * the answer scrolls while the status stays put. Only for a terminal that tells its size.
 */
class StatusBar {
  static for(output: Output): StatusBar | undefined {
    return output.isTTY && output.rows && output.columns ? new StatusBar(output, output.rows, output.columns) : undefined;
  }

  private constructor(
    private readonly output: Output,
    private readonly rows: number,
    private readonly columns: number,
  ) {}

  open(): void {
    // Make room for the status row (a newline scrolls when the cursor is on the last row), then
    // confine scrolling to the rows above it; setting the region homes the cursor, hence save/restore.
    this.output.write(`\n\x1b[1A\x1b7\x1b[1;${this.rows - 1}r\x1b8\x1b[?25l`);
  }

  show(line: string): void {
    this.output.write(`\x1b7\x1b[${this.rows};1H\x1b[2K\x1b[2m${line.slice(0, this.columns - 1)}\x1b[0m\x1b8`);
  }

  close(): void {
    this.output.write(`\x1b7\x1b[${this.rows};1H\x1b[2K\x1b[r\x1b8\x1b[?25h`);
  }
}
