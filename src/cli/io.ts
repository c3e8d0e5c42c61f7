import type { Observable } from 'rxjs';

/** A terminal-like output stream; `isTTY` and `columns` are set only on a real terminal. */
export interface Output extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

export interface CliIO {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** One emission per Ctrl-C. */
  interrupts: Observable<unknown>;
  /** One emission per SIGTERM (default: none). */
  terminations?: Observable<unknown>;
}
