/**
 * The benchmark's Ollama: two test-server instances in their own process (forked by `bench/child.ts`),
 * so that writing 100k tokens never competes with the client being measured for one event loop.
 * The parent asks over IPC when a request was received or seen to disconnect; answers carry times on
 * the machine-wide monotonic clock, comparable with the parent's `monotonicMs()`.
 */
import { type RecordedRequest, type TestServer, startTestServer } from '../src/testing/server/index.js';
import { BENCH_MODELS, type ServerCall, type ServerReply, performanceToMonotonic } from './protocol.js';

const servers: TestServer[] = await Promise.all([startTestServer({ models: BENCH_MODELS }), startTestServer({ models: BENCH_MODELS })]);

const byPrompt = (prompt: string) => {
  for (const server of servers) {
    const found = server.requests.find((request) => request.body?.prompt === prompt);
    if (found) return found;
  }
  return undefined;
};

/** Resolves with the request once `ready` holds for it, or undefined after `timeoutMs`. */
async function when(prompt: string, ready: (request: RecordedRequest) => unknown, timeoutMs: number) {
  const holds = () => {
    const request = byPrompt(prompt);
    return request && ready(request) ? request : undefined;
  };
  try {
    await Promise.race(servers.map((server) => server.until(holds, timeoutMs)));
  } catch {
    // Not met in time: the caller reports that as data (e.g. "the server never saw an abort").
  }
  return holds();
}

async function answer(call: ServerCall): Promise<ServerReply> {
  switch (call.op) {
    case 'received': {
      const request = await when(call.prompt, () => true, call.timeoutMs);
      return { id: call.id, at: request && performanceToMonotonic(request.receivedAt) };
    }
    case 'ended': {
      const request = await when(call.prompt, (r) => r.disconnectedAt ?? r.finishedAt, call.timeoutMs);
      return {
        id: call.id,
        at: request && performanceToMonotonic((request.disconnectedAt ?? request.finishedAt)!),
        disconnected: request?.disconnectedAt !== undefined,
      };
    }
  }
}

process.on('message', (call: ServerCall) => {
  answer(call).then((reply) => process.send!(reply));
});
process.on('disconnect', () => {
  Promise.all(servers.map((server) => server.close())).finally(() => process.exit(0));
});
process.send!({ id: 0, urls: servers.map((server) => server.url) } satisfies ServerReply);
