import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

export interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code, or 128 + the signal's number when a signal ended the process, as a shell reports it. */
  exit: Promise<number>;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Runs `node <args>` in the repository with `env` added to a clean environment; stdin is closed. */
export function spawnNode(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Nothing of this machine's Ollama settings may leak in.
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (data: string) => (stdout += data));
  child.stderr!.setEncoding('utf8').on('data', (data: string) => (stderr += data));
  const exit = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** `npm run example -- <args>`, without npm: Node with tsx's loader, as `tsx` runs it. */
export const spawnExample = (args: string[], env?: Record<string, string>): Spawned =>
  spawnNode(['--import', 'tsx', 'examples/run.ts', ...args], env);
