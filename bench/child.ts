import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerCall, ServerReply } from './protocol.js';

type Question = ServerCall extends infer C ? (C extends ServerCall ? Omit<C, 'id'> : never) : never;

/** The test servers running in `bench/server.ts`, a separate process, and the questions it answers. */
export interface BenchServer {
  /** The base URLs of its two test-server instances; `urls[0]` is the one measured directly. */
  readonly urls: readonly string[];
  ask(question: Question): Promise<ServerReply>;
  close(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (reply: ServerReply) => void>();
  let nextId = 1;
  const urls = await new Promise<string[]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    child.on('message', (reply: ServerReply) => {
      if (reply.id === 0) resolve(reply.urls!);
      waiting.get(reply.id)?.(reply);
      waiting.delete(reply.id);
    });
  });
  return {
    urls,
    ask(question) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        child.send({ ...question, id });
      });
    },
    close() {
      return new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.disconnect();
      });
    },
  };
}
