import { OllamaError } from '../../core/errors.js';
import { pause, readBytes, sendJson, write } from '../server/framing.js';
import type { Call } from '../server/types.js';
import { loadRecording } from './file.js';
import { Matcher } from './match.js';
import { checkSpeed, dueMs, jsonOrText, replayHeaders } from './pace.js';
import type { Har, MatchRule, Recording } from './types.js';

/**
 * The test server's handler in replay mode: each request answered from its recording, with the
 * recorded status, headers, body and chunking, each chunk written at its recorded offset from the
 * request's arrival × 1/`speed`; no recording, a 404 whose `{"error"}` says so.
 */
export function replayer(
  replay: Recording | Har | string,
  speed: number | undefined,
  match: MatchRule | undefined,
): (call: Call) => Promise<void> {
  const pace = checkSpeed(speed);
  const matcher = new Matcher(loadRecording(replay), match);
  return async ({ req, res, record, gone }) => {
    const text = (await readBytes(req)).toString('utf8');
    const body = jsonOrText(text);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) record.body = body as Record<string, unknown>;
    let entry;
    try {
      entry = matcher.take({ method: record.method, path: record.path, body });
    } catch (error) {
      if (!(error instanceof OllamaError)) throw error;
      return sendJson(res, 404, { error: error.message });
    }
    // Each time is kept from the request's arrival, so that late timers do not add up.
    const until = (offsetMs: number) => pause(Math.max(0, record.receivedAt + dueMs(offsetMs, pace) - performance.now()), gone);
    if (!(await until(entry.headersMs))) return;
    res.writeHead(entry.status, entry.statusText || undefined, replayHeaders(entry).flat());
    res.flushHeaders();
    for (const chunk of entry.chunks) {
      if (!(await until(chunk.offsetMs)) || !(await write(res, chunk.bytes))) return;
    }
    res.end();
  };
}
