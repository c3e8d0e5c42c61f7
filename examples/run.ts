/**
 * `npm run example -- <name> [prompt…]`: runs one example with this process's streams, environment
 * and Ctrl-C. Without a name it lists them.
 */
import { fromEvent } from 'rxjs';
import { readerGone } from '../src/cli/readerGone.js';
import { EXAMPLES, type Example, type ExampleIO, describeFailure } from './support.js';

const EXIT_USAGE = 2;

// Listening from the start, so that no write to a closed pipe is an unhandled error; once the reader
// of stdout is gone (`| head -c 50`) the example stops, and whatever it would say is of no use.
const outputClosed = readerGone(process.stdout);
let readerLeft = false;
outputClosed.subscribe(() => (readerLeft = true));

async function run([name, ...args]: string[]): Promise<number> {
  if (!name || !(EXAMPLES as readonly string[]).includes(name)) {
    const out = name ? process.stderr : process.stdout;
    if (name) out.write(`No example named "${name}".\n`);
    out.write(`Usage: npm run example -- <name> [prompt…]\n\n${await listing()}`);
    return name ? EXIT_USAGE : 0;
  }
  const { main } = (await import(`./${name}.js`)) as { main: Example };
  const io: ExampleIO = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    args,
    interrupts: fromEvent(process, 'SIGINT'),
    outputClosed,
  };
  return (await main(io)) ?? 0;
}

async function listing(): Promise<string> {
  const summaries = await Promise.all(EXAMPLES.map(async (name) => ((await import(`./${name}.js`)) as { summary: string }).summary));
  const width = Math.max(...EXAMPLES.map((name) => name.length));
  return EXAMPLES.map((name, i) => `  ${name.padEnd(width)}  ${summaries[i]}\n`).join('');
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = readerLeft ? 0 : code;
  },
  (error: unknown) => {
    if (readerLeft) return void (process.exitCode = 0);
    process.stderr.write(`${describeFailure(error)}\n`);
    if (process.env.VERBOSE) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
    process.exitCode = 1;
  },
);
