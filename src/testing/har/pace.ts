import { OllamaConfigError } from '../../core/errors.js';
import type { RecordedEntry } from './types.js';

/** `speed` checked: 1 by default; 0 means no pauses at all. */
export function checkSpeed(speed: number | undefined): number {
  if (speed === undefined) return 1;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0)
    throw new OllamaConfigError(`Invalid replay speed ${String(speed)}: a number from 0 (no pauses) up, 1 the recorded pace`);
  return speed;
}

/** When something recorded at `offsetMs` is due, in ms from the request's start, at `speed`. */
export const dueMs = (offsetMs: number, speed: number): number => (speed === 0 ? 0 : offsetMs / speed);

/** Headers that described the recorded transfer, not the body replayed (decoded, framed anew). */
const TRANSFER_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

/** The recorded response headers to send again. */
export function replayHeaders(entry: RecordedEntry): Array<[string, string]> {
  return entry.headers.filter(([name]) => !TRANSFER_HEADERS.has(name.toLowerCase())).map(([name, value]) => [name, value]);
}

/** The JSON body of a "no recording" answer: Ollama's error shape. */
export const noRecordingBody = (message: string): string => JSON.stringify({ error: message });

/** A request body as matching compares it: its JSON value, else its text; undefined when empty. */
export function jsonOrText(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
