import { type Observable, ReplaySubject, take } from 'rxjs';

/** What a write fails with once the reader of a pipe is gone (`… | head -1` exited). */
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Emits once when the reader of `output` goes away — a closed pipe, as when `| head -1` has read
 * enough — and errors on any other write error. It listens from this call on and never stops, so
 * that no later write error (the rest of an answer, a final newline) is an unhandled `'error'`
 * event: for a command-line program a closed stdout is an ordinary way to end.
 */
export function readerGone(output: NodeJS.WritableStream): Observable<void> {
  const gone = new ReplaySubject<void>(1);
  output.on('error', (error: NodeJS.ErrnoException) => {
    if (READER_GONE.has(error.code ?? '')) gone.next();
    else gone.error(error);
  });
  return gone.pipe(take(1));
}
