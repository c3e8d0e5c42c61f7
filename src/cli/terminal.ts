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

/** What a terminal acts on: C0 controls but tab and newline, DEL, and C1 (U+009B is a CSI of its own). */
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * `text` as it may reach `output`: on a terminal, each control character but newline and tab shown as
 * `\x1b`, so that a model's text or a server's error cannot retitle the window, clear the screen,
 * plant a link or write the clipboard. Anything else (a pipe, a file) gets the bytes as they are.
 */
export function forTerminal(output: Output, text: string): string {
  return output.isTTY ? text.replace(CONTROLS, (control) => `\\x${control.charCodeAt(0).toString(16).padStart(2, '0')}`) : text;
}
