import { type MonoTypeOperatorFunction, defer, finalize, tap } from 'rxjs';
import type { Output } from './io.js';

/**
 * Writes to an output and remembers whether the cursor is left mid-line, so that what comes next —
 * an error message, the shell's prompt — can start on a line of its own.
 */
export class LineWriter {
  private midLine = false;

  constructor(readonly output: Output) {}

  write(text: string): void {
    if (!text) return;
    this.output.write(text);
    this.midLine = !text.endsWith('\n');
  }

  /** Ends the current line, unless it is already ended. */
  endLine(): void {
    if (this.midLine) this.write('\n');
  }
}

/**
 * Writes what `format` makes of each value to `output`, and ends the last line however the stream
 * ends: completed, failed or unsubscribed.
 */
export function writeLines<T>(output: Output, format: (value: T, writer: LineWriter) => string): MonoTypeOperatorFunction<T> {
  return (source) =>
    defer(() => {
      const writer = new LineWriter(output);
      return source.pipe(
        tap((value) => writer.write(format(value, writer))),
        finalize(() => writer.endLine()),
      );
    });
}
