import { Observable, type SchedulerLike, asyncScheduler } from 'rxjs';
import { OllamaConfigError, OllamaError, toOllamaError } from '../../core/errors.js';
import { TextBuffer } from '../../core/textBuffer.js';
import type { StreamChunk } from '../../core/types.js';
import { decodeChatLine, decodeGenerateLine } from '../../protocol/lines.js';
import { NdjsonParser } from '../../protocol/ndjson.js';
import { toRecording } from './normalise.js';
import type { Har, RecordedEntry, Recording } from './types.js';

export interface ReplayChunksOptions {
  /** The clock the chunks are scheduled on: a `TestScheduler` in a marble test. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** Which answer: the n-th entry holding an NDJSON answer of `/api/chat` or `/api/generate` (default 0). */
  entry?: number;
}

/**
 * A recorded answer as the client's chunk stream, each chunk emitted at its recorded offset from
 * subscription on `scheduler`: under `TestScheduler.run` a marble test sees a real model's timing,
 * in virtual ms. The lines are decoded as the client decodes them: an `{"error"}` line errors the
 * stream (with `partialText`), as does a body that ends before its `done` line; the stream
 * completes with its `done` chunk. Browser-safe.
 *
 * @example
 * testScheduler.run(({ expectObservable }) => {
 *   expectObservable(replayChunks(recording, { scheduler: testScheduler }).pipe(firstTokenLatency(testScheduler))).toBe('412ms (a|)', { a: 412 });
 * });
 */
export function replayChunks(recording: Recording | Har, options: ReplayChunksOptions = {}): Observable<StreamChunk> {
  return new Observable<StreamChunk>((subscriber) => {
    const scheduler = options.scheduler ?? asyncScheduler;
    const entry = streamedEntry(toRecording(recording), options.entry ?? 0);
    const decode = entry.path.endsWith('/api/chat') ? decodeChatLine : decodeGenerateLine;
    const parser = new NdjsonParser();
    const text = new TextBuffer();
    let done = false;
    const onValue = (value: unknown) => {
      if (done) return;
      const chunk = decode(value);
      text.add(chunk.text);
      done = chunk.done;
      subscriber.next(chunk);
      if (done) subscriber.complete();
    };
    const fail = (error: unknown) => subscriber.error(toOllamaError(error, text.text()));
    entry.chunks.forEach(({ offsetMs, bytes }, i) => {
      const last = i === entry.chunks.length - 1;
      subscriber.add(
        scheduler.schedule(() => {
          try {
            parser.push(bytes, onValue);
            if (!last) return;
            parser.end(onValue);
          } catch (error) {
            return fail(error);
          }
          if (!done) fail(new OllamaError('protocol', `Ollama's answer to ${entry.path} ended before its final line (no "done": true)`));
        }, offsetMs),
      );
    });
    if (!entry.chunks.length) fail(new OllamaError('protocol', `Ollama's answer to ${entry.path} was empty`));
    return undefined;
  });
}

/** The n-th entry with a streamed answer of chat or generate. */
function streamedEntry(recording: Recording, n: number): RecordedEntry {
  const streamed = recording.entries.filter((entry) => /\/api\/(chat|generate)$/.test(entry.path) && /ndjson/i.test(entry.mimeType));
  const entry = streamed[n];
  if (!entry)
    throw new OllamaConfigError(
      `replayChunks: the recording holds ${streamed.length} streamed answer(s) of /api/chat or /api/generate, so entry ${n} is none of them`,
    );
  return entry;
}
