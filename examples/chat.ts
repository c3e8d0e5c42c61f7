import { createInterface } from 'node:readline';
import {
  type Observable,
  EMPTY,
  NEVER,
  catchError,
  concat,
  concatMap,
  connect,
  filter,
  finalize,
  find,
  fromEvent,
  lastValueFrom,
  map,
  merge,
  of,
  share,
  startWith,
  takeUntil,
  takeWhile,
  tap,
} from 'rxjs';
import { conversation } from '../src/index.js';
import { type ExampleIO, describeFailure, openOllama } from './support.js';

export const summary = 'Interactive chat with history: exit or quit ends it; Ctrl-C stops an answer, and quits at the prompt';

const SYSTEM = 'You are a helpful assistant. Keep answers short.';

export async function main(io: ExampleIO): Promise<number> {
  await using ollama = await openOllama(io);
  const tty = Boolean(io.stdout.isTTY);
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: tty, prompt: 'you> ' });
  const chat = conversation({ client: ollama.client, system: SYSTEM });

  // Ctrl-C reaches readline on a terminal, the process otherwise. While an answer streams it stops
  // that answer; at the prompt it quits. Each one is classified once, when it happens.
  let answering = false;
  const interrupts = merge(io.interrupts, fromEvent(rl, 'SIGINT')).pipe(
    map(() => (answering ? 'stop' : 'quit')),
    share(),
  );
  const stop$ = interrupts.pipe(filter((kind) => kind === 'stop'));
  const quit$ = interrupts.pipe(filter((kind) => kind === 'quit'));
  let inputEnded = false;
  rl.once('close', () => (inputEnded = true));

  const answer$ = (question: string): Observable<string> =>
    chat.ask$(question).pipe(
      takeUntil(stop$),
      connect((chunks) =>
        merge(
          chunks.pipe(map((chunk) => chunk.text)),
          // The answer's end: a newline after a whole answer, a notice after a stopped one.
          chunks.pipe(
            find((chunk) => chunk.done),
            map((last) => (last ? '\n' : ' [stopped]\n')),
          ),
        ),
      ),
      startWith('assistant> '),
      catchError((error: unknown) => of(`\n${describeFailure(error)}\n`)),
      tap({ subscribe: () => (answering = true), finalize: () => (answering = false) }),
    );

  // A terminal echoes what the user types after the prompt; piped input is shown when its turn comes.
  const turn$ = (line: string): Observable<string> =>
    concat(tty ? EMPTY : of(`you> ${line}\n`), line ? answer$(line) : EMPTY).pipe(
      finalize(() => {
        if (tty && !inputEnded) rl.prompt();
      }),
    );

  const session$ = (fromEvent(rl, 'line') as Observable<string>).pipe(
    takeUntil(fromEvent(rl, 'close')),
    map((line) => line.trim()),
    takeWhile((line) => !/^(exit|quit)$/i.test(line)),
    // Lines typed during an answer wait for their turn.
    concatMap(turn$),
    takeUntil(quit$),
    // Nobody reads the answers any more (`| head`): stop, aborting the one streaming.
    takeUntil(io.outputClosed ?? NEVER),
  );

  io.stdout.write(`${ollama.banner}\n${summary}.\n\n`);
  if (tty) rl.prompt();
  try {
    await lastValueFrom(session$.pipe(tap((text) => io.stdout.write(text))), { defaultValue: undefined });
  } finally {
    rl.close();
  }
  io.stdout.write(`\nBye (${chat.messages.length - 1} messages in the history).\n`);
  return 0;
}
