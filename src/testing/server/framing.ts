import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export const NDJSON = 'application/x-ndjson';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** A request's whole body. */
export function readBytes(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Waits unless the client is gone; false when it is. */
export async function pause(ms: number | undefined, gone: AbortSignal): Promise<boolean> {
  if (gone.aborted) return false;
  if (!ms) return true;
  try {
    await sleep(ms, undefined, { signal: gone });
    return true;
  } catch {
    return false;
  }
}

/** Writes with backpressure; false when the client is gone. */
export function write(res: Writable, data: string | Uint8Array): boolean | Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(data)) return true;
  return drained(res);
}

async function drained(res: Writable): Promise<boolean> {
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}

/** Socket writes of an unpaced answer: large enough that the server is never what a client waits for. */
const BURST_WRITE_CHARS = 64 * 1024;

/**
 * The lines of an unpaced answer, each its own HTTP chunk as Ollama's write and flush per line makes
 * it. All of them exist at once, so they are framed here and handed to the socket 64 kB at a time:
 * the bytes on the wire are those of one `res.write` per line, but `res.write` costs the server more
 * per line than the fastest client pays to read it, and would make this server the bottleneck of a
 * throughput benchmark.
 */
export async function writeChunkPerLine(res: ServerResponse, lines: readonly string[]): Promise<boolean> {
  const socket = res.socket;
  let length = 0;
  for (const line of lines) length += line.length;
  // A short answer goes out in one socket write anyway (Node corks a response for the rest of the
  // tick); an HTTP/1.0 client gets no chunks, the body ending with the connection.
  if (length < BURST_WRITE_CHARS || !socket || !res.chunkedEncoding) {
    for (const line of lines) if (!(await write(res, line))) return false;
    return true;
  }
  res.flushHeaders();
  // Lines repeat (see ScriptLines.token): each distinct one is framed once.
  const frames = new Map<string, string>();
  let framed = '';
  for (const line of lines) {
    let frame = frames.get(line);
    if (frame === undefined) frames.set(line, (frame = `${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`));
    framed += frame;
    if (framed.length < BURST_WRITE_CHARS) continue;
    if (!(await write(socket, framed))) return false;
    framed = '';
  }
  return framed ? write(socket, framed) : !socket.destroyed;
}

/** Many lines to an HTTP chunk, each chunk up to `batchBytes` long: a server that batches its output. */
export async function writeBatched(res: ServerResponse, lines: readonly string[], batchBytes: number): Promise<boolean> {
  let batch = '';
  for (const line of lines) {
    batch += line;
    if (batch.length < batchBytes) continue;
    if (!(await write(res, batch))) return false;
    batch = '';
  }
  return batch ? write(res, batch) : !res.destroyed;
}
