import { OllamaConfigError } from '../../core/errors.js';
import { jsonOrText } from './pace.js';
import type { Har, HarEntry, HarTimings, RecordedEntry, Recording } from './types.js';

const encoder = new TextEncoder();

/**
 * A HAR 1.2 as a recording: ours, with each HTTP chunk's offset in `response._chunks`, or one saved
 * by a browser's devtools or Playwright, whose NDJSON lines are spread evenly over the entry's
 * receive time. A base64 body (`content.encoding`, as Playwright stores it) is decoded. Browser-safe.
 */
export function toRecording(source: Har | Recording): Recording {
  if (isRecording(source)) return source;
  const entries = (source as Partial<Har> | undefined)?.log?.entries;
  if (!Array.isArray(entries)) throw new OllamaConfigError('Not a HAR 1.2 file: it has no log.entries');
  return { entries: entries.map(toEntry) };
}

const isRecording = (value: unknown): value is Recording =>
  typeof value === 'object' && value !== null && Array.isArray((value as Partial<Recording>).entries);

function toEntry(entry: HarEntry, index: number): RecordedEntry {
  const { request, response } = entry;
  if (!request?.url || !request.method || !response)
    throw new OllamaConfigError(`HAR entry ${index} lacks its request's method and url or its response`);
  const headersMs = headersArrival(entry.timings);
  const body = bodyBytes(response.content?.text, response.content?.encoding);
  const mimeType = response.content?.mimeType ?? '';
  const chunks = response._chunks
    ? response._chunks.map((chunk) => ({ offsetMs: chunk.offsetMs, bytes: encoder.encode(chunk.text) }))
    : spread(body, mimeType, headersMs, Math.max(0, entry.timings?.receive ?? 0));
  return {
    method: request.method.toUpperCase(),
    path: new URL(request.url).pathname,
    body: jsonOrText(postText(request.postData)),
    status: response.status,
    statusText: response.statusText ?? '',
    // HTTP/2's pseudo-headers (`:status`), which devtools lists, are no headers to send.
    headers: (response.headers ?? []).filter(({ name }) => !name.startsWith(':')).map(({ name, value }) => [name, value] as const),
    headersMs,
    chunks,
    mimeType,
  };
}

/** When the headers arrived: every phase before the body (`ssl` is part of `connect` in HAR). */
function headersArrival(timings: HarTimings | undefined): number {
  if (!timings) return 0;
  const phases = [timings.blocked, timings.dns, timings.connect, timings.send, timings.wait];
  return phases.reduce<number>((sum, phase) => sum + (phase !== undefined && phase > 0 ? phase : 0), 0);
}

/** A body without recorded chunks: NDJSON line by line, evenly from the headers to the end of the receive time; anything else whole. */
function spread(body: Uint8Array, mimeType: string, headersMs: number, receiveMs: number): RecordedEntry['chunks'] {
  if (!body.length) return [];
  if (!/ndjson/i.test(mimeType)) return [{ offsetMs: headersMs, bytes: body }];
  const lines: Uint8Array[] = [];
  for (let start = 0; start < body.length;) {
    const newline = body.indexOf(0x0a, start);
    const end = newline === -1 ? body.length : newline + 1;
    lines.push(body.subarray(start, end));
    start = end;
  }
  const step = lines.length > 1 ? receiveMs / (lines.length - 1) : 0;
  return lines.map((bytes, i) => ({ offsetMs: headersMs + i * step, bytes }));
}

function bodyBytes(text: string | undefined, encoding: string | undefined): Uint8Array {
  if (!text) return new Uint8Array(0);
  if (encoding !== 'base64') return encoder.encode(text);
  // atob, not Buffer: this module runs in browsers too.
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

function postText(postData: HarEntry['request']['postData']): string | undefined {
  if (postData?.encoding !== 'base64') return postData?.text;
  return new TextDecoder().decode(bodyBytes(postData.text, 'base64'));
}
