import type { ServerResponse } from 'node:http';
import { scriptForAttempt } from '../scripted/script.js';
import { NDJSON, pause, sendJson, write } from './framing.js';
import type { Call, ModelFaults, ModelScript, ServerState } from './types.js';

/**
 * The script for a model's next request: once `failuresBeforeSuccess` requests failed, the same
 * script without any of its faults.
 */
export function nextScript(state: ServerState, model: string): ModelScript {
  const attempt = (state.attempts.get(model) ?? 0) + 1;
  state.attempts.set(model, attempt);
  return scriptForAttempt(state.models.get(model)!, attempt);
}

/**
 * The faults that strike before any header: a load that hangs, a reset, a scripted status and body.
 * True when one of them ended the request (or the client went away meanwhile).
 */
export async function failedBeforeHeaders({ res, gone }: Call, faults: ModelFaults): Promise<boolean> {
  if (!(await pause(faults.loadStallMs, gone))) return true;
  if (faults.resetBeforeHeaders) {
    res.socket?.resetAndDestroy();
    return true;
  }
  if (faults.status === undefined && faults.body === undefined) return false;
  const status = faults.status ?? 200;
  if (typeof faults.body === 'string' || faults.body === undefined) {
    res.writeHead(status, { 'content-type': faults.contentType ?? 'text/html' });
    res.end(faults.body ?? '');
  } else sendJson(res, status, faults.body);
  return true;
}

/** A `raw` answer: 200, then exactly the scripted pieces, each written on its own. */
export async function writeRaw({ res, gone }: Call, raw: NonNullable<ModelFaults['raw']>, delayMs: number | undefined): Promise<void> {
  res.writeHead(200, { 'content-type': NDJSON });
  for (const [i, piece] of raw.entries()) {
    if (i > 0 && !(await pause(delayMs, gone))) return;
    if (!(await write(res, piece))) return;
  }
  res.end();
}

/** Whether the answer's tokens cannot all be written in one go: a stall or an end after some of them. */
export function interruptsTokens(faults: ModelFaults): boolean {
  return [faults.stall, faults.errorAfterTokens, faults.endAfterTokens, faults.resetAfterTokens].some((fault) => fault !== undefined);
}

/** Ends the answer when a fault is scripted after `sent` tokens: an error line, a clean end, a reset. */
export function endedAfter(res: ServerResponse, faults: ModelFaults, sent: number): boolean {
  if (sent === faults.errorAfterTokens) {
    const message = faults.errorMessage ?? 'an error was encountered while running the model';
    res.end(JSON.stringify({ error: message }) + '\n');
  } else if (sent === faults.endAfterTokens) res.end();
  else if (sent === faults.resetAfterTokens) resetAfterFlush(res);
  else return false;
  return true;
}

/** The scripted stall before token `index`, if there is one there; false when the client went away. */
export function stallBefore(index: number, faults: ModelFaults, gone: AbortSignal): boolean | Promise<boolean> {
  return index === faults.stall?.afterTokens ? pause(faults.stall.ms, gone) : true;
}

/** A TCP reset once the bytes written so far are handed to the kernel: on loopback they arrive first. */
function resetAfterFlush(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket) return void res.destroy();
  socket.write(new Uint8Array(0), () => socket.resetAndDestroy());
}
