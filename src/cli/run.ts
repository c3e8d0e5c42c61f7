import { parseArgs } from 'node:util';
import { NEVER, endWith, firstValueFrom, ignoreElements, map, merge, race } from 'rxjs';
import { OllamaClient } from '../client/client.js';
import { OllamaConfigError } from '../core/errors.js';
import { OllamaError } from '../core/errors.js';
import { generate$ } from './generate.js';
import { pull$ } from './pull.js';
import { readerGone } from './readerGone.js';
import { record, serve, serveReplay } from './serve.js';
import { forTerminal } from './terminal.js';
import type { CliIO } from './io.js';
import { messageOf } from '../core/describe.js';

const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

export const HELP = `Usage: ollama-rx [options] <prompt…>
       ollama-rx pull <model>
       ollama-rx serve --simulated [--port <n>]
       ollama-rx serve --replay <file.har> [--speed <n>] [--port <n>]
       ollama-rx record --upstream <url> --to <file.har> [--port <n>]

Streams Ollama's answer to the prompt, or downloads a model. serve --simulated runs a simulated
Ollama (scripted models, no GPU) to try things on, until Ctrl-C; its URL is the first line it prints.
serve --replay answers from a recorded session (HAR), with its chunks at the recorded pace.
record is a recording proxy in front of an Ollama: point a client at the URL it prints first;
Ctrl-C writes the session to the HAR file, secret headers as ***.

Options:
  -m, --model <name>   the model (default: $OLLAMA_MODEL, else the first installed one)
      --host <url>     Ollama's address (default: $OLLAMA_HOST, else 127.0.0.1:11434)
  -s, --system <text>  a system prompt
      --json           print the chunks as NDJSON, one JSON object a line, for piping
      --timings        print the first-token latency, token count and rate to stderr
      --verbose        print the stack trace of an error
      --port <n>       serve, record: the port (default: any free one)
      --replay <file>  serve: the HAR file to answer from
      --speed <n>      serve --replay: 1 the recorded pace (default), 2 twice as fast, 0 no pauses
      --upstream <url> record: the Ollama to forward to, e.g. http://127.0.0.1:11434
      --to <file>      record: the HAR file written on Ctrl-C
  -h, --help           print this help

Exit codes: 0 done (also when the reader of the output went away, as with | head), 1 model or
server error, 2 usage error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). serve and record exit 0.
`;

const OPTIONS = {
  model: { type: 'string', short: 'm' },
  host: { type: 'string' },
  system: { type: 'string', short: 's' },
  json: { type: 'boolean' },
  timings: { type: 'boolean' },
  verbose: { type: 'boolean' },
  simulated: { type: 'boolean' },
  port: { type: 'string' },
  replay: { type: 'string' },
  speed: { type: 'string' },
  upstream: { type: 'string' },
  to: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A mistake in the command line: exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Command =
  | { name: 'help' }
  | { name: 'pull'; model: string; host?: string }
  | { name: 'serve'; port?: number; replay?: string; speed?: number }
  | { name: 'record'; upstream: string; to: string; port?: number }
  | { name: 'generate'; prompt: string; model?: string; host?: string; system?: string; json: boolean; timings: boolean };

/** Runs the command line `args`; resolves to the exit code, never rejects. */
export async function run(args: readonly string[], io: CliIO): Promise<number> {
  const verbose = args.includes('--verbose');
  // Listening from the start: a write that fails later (`--help | true`) must not be unhandled.
  const outputClosed$ = readerGone(io.stdout);
  try {
    const command = parse(args);
    if (command.name === 'help') {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    if (command.name === 'serve')
      return await (command.replay === undefined ? serve(command.port, io) : serveReplay(command.replay, command.speed, command.port, io));
    if (command.name === 'record') return await record(command.upstream, command.to, command.port, io);
    await using client = new OllamaClient({ host: command.host ?? io.env.OLLAMA_HOST });
    const work$ = command.name === 'pull' ? pull$(client, command.model, io) : generate$(client, command, io);
    const stopped$ = merge(
      io.interrupts.pipe(map(() => EXIT.interrupted)),
      (io.terminations ?? NEVER).pipe(map(() => EXIT.terminated)),
      // The reader of the pipe went away (`ollama-rx … | head -1`): nothing more to do.
      outputClosed$.pipe(map(() => EXIT.ok)),
    );
    // Stopping unsubscribes from the work, which aborts its request: Ollama stops generating at once.
    return await firstValueFrom(race(work$.pipe(ignoreElements(), endWith(EXIT.ok)), stopped$));
  } catch (error) {
    io.stderr.write(forTerminal(io.stderr, `ollama-rx: ${describe(error)}\n`));
    if (verbose) io.stderr.write(forTerminal(io.stderr, `${error instanceof Error ? error.stack : messageOf(error)}\n`));
    return error instanceof UsageError || error instanceof OllamaConfigError ? EXIT.usage : EXIT.failed;
  }
}

function parse(args: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
  } catch (error) {
    // Node's own first sentence, e.g. "Unknown option '--bogus'".
    throw new UsageError(messageOf(error).split('. ')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  const refuse = (command: string, options: readonly (keyof typeof OPTIONS)[]) => {
    const given = options.find((option) => values[option] !== undefined);
    if (given) throw new UsageError(`--${given} does not apply to ${command}`);
  };
  if (positionals[0] === 'serve') return parseServe(values, positionals, refuse);
  if (positionals[0] === 'record') return parseRecord(values, positionals, refuse);
  refuse(positionals[0] === 'pull' ? 'pull' : 'a prompt', ['simulated', 'port', ...SERVER_OPTIONS]);
  if (positionals[0] === 'pull') {
    refuse('pull', ['model', 'system', 'json', 'timings']);
    if (positionals.length !== 2) throw new UsageError('pull takes one model name, e.g. ollama-rx pull llama3.2');
    return { name: 'pull', model: positionals[1]!, host: values.host };
  }
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new UsageError('no prompt given');
  return {
    name: 'generate',
    prompt,
    model: values.model,
    host: values.host,
    system: values.system,
    json: values.json ?? false,
    timings: values.timings ?? false,
  };
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];
type Refuse = (command: string, options: readonly (keyof typeof OPTIONS)[]) => void;

/** The options of serve and record, refused by the other commands. */
const SERVER_OPTIONS = ['replay', 'speed', 'upstream', 'to'] as const;
const PROMPT_OPTIONS = ['model', 'host', 'system', 'json', 'timings'] as const;

function parseServe(values: Values, positionals: readonly string[], refuse: Refuse): Command {
  refuse('serve', [...PROMPT_OPTIONS, 'upstream', 'to']);
  if (values.simulated && values.replay !== undefined) throw new UsageError('serve takes --simulated or --replay, not both');
  if (!values.simulated && values.replay === undefined)
    throw new UsageError(
      'serve needs --simulated or --replay <file.har>: ollama-rx serves only a simulated or recorded Ollama (for a real one: ollama serve)',
    );
  if (values.simulated) refuse('serve --simulated', ['speed']);
  if (positionals.length !== 1) throw new UsageError('serve takes no arguments, e.g. ollama-rx serve --simulated --port 11434');
  const port = values.port === undefined ? undefined : parsePort(values.port);
  if (values.replay === undefined) return { name: 'serve', port };
  return { name: 'serve', port, replay: values.replay, speed: values.speed === undefined ? undefined : parseSpeed(values.speed) };
}

function parseRecord(values: Values, positionals: readonly string[], refuse: Refuse): Command {
  refuse('record', [...PROMPT_OPTIONS, 'simulated', 'replay', 'speed']);
  if (values.upstream === undefined || values.to === undefined)
    throw new UsageError(
      'record needs --upstream <url> and --to <file.har>, e.g. ollama-rx record --upstream http://127.0.0.1:11434 --to session.har',
    );
  if (positionals.length !== 1) throw new UsageError('record takes no arguments, only --upstream, --to and --port');
  return { name: 'record', upstream: values.upstream, to: values.to, port: values.port === undefined ? undefined : parsePort(values.port) };
}

function parseSpeed(value: string): number {
  const speed = Number(value);
  if (!value.trim() || !Number.isFinite(speed) || speed < 0) throw new UsageError(`--speed must be a number from 0 up, not "${value}"`);
  return speed;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`);
  return port;
}

/** One line that says what went wrong and, where it is known, what to do. */
function describe(error: unknown): string {
  if (error instanceof UsageError) return `${error.message}. Try: ollama-rx --help`;
  const missing =
    error instanceof OllamaError && error.kind === 'model_not_found' && /model ['"]?([^'"]+)['"]? not found/.exec(error.message)?.[1];
  if (missing) return `${error.message}. Install it with: ollama-rx pull ${missing}`;
  return messageOf(error);
}
