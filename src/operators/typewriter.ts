import { type MonoTypeOperatorFunction, Observable, type SchedulerLike, type Subscription, asyncScheduler } from 'rxjs';
import type { StreamChunk } from '../core/types.js';
import { mergeChunks } from '../protocol/answer.js';
import { isHighSurrogate } from '../protocol/jsonLexicon.js';
import { guard } from './guard.js';

export interface TypewriterOptions {
  /** Times the typing; `asyncScheduler` by default. */
  scheduler?: SchedulerLike;
  /**
   * The longest the display may trail the stream: when the text waiting to be typed would take longer
   * than this at `msPerChar`, it is typed faster, so that it is all out within `maxLagMs` of the
   * arrival of its newest part.
   */
  maxLagMs?: number;
  /**
   * `'grapheme'` (default): one user-perceived character at a time. `'word'`: one word at a time,
   * with the spaces and punctuation that follow it.
   */
  unit?: 'grapheme' | 'word';
}

/**
 * Timers fire no faster than this (browsers clamp nested timeouts to 4 ms): a faster pace types
 * several units per tick instead.
 */
const MIN_TICK_MS = 4;

/**
 * The typewriter effect: re-emits the text one grapheme (or word) at a time, `msPerChar` apart, the
 * first as soon as it arrives. Graphemes come from `Intl.Segmenter`, and one that a chunk boundary
 * splits — an emoji and its skin-tone modifier, a letter and its combining accent — is never split in
 * the output: the last grapheme of the text so far is held back until more text, or the end, shows it
 * is complete.
 *
 * Each emitted chunk is its source chunk with `text` cut to one unit and `done: false`; thinking and
 * tool calls ride on the unit where their chunk began. Chunks without text pass through in order. The
 * `done` chunk, with its metrics, follows the last character; an upstream error is delivered after the
 * buffered text is typed, so nothing is lost. Unsubscribing cancels the pending timers.
 *
 * @param msPerChar The pause between units.
 *
 * @example
 * fromOllama('Tell me a story')
 *   .pipe(typewriter(30, { maxLagMs: 2000 }))
 *   .subscribe((chunk) => process.stdout.write(chunk.text));
 */
export function typewriter<T extends StreamChunk>(
  msPerChar = 50,
  { scheduler = asyncScheduler, maxLagMs, unit }: TypewriterOptions = {},
): MonoTypeOperatorFunction<T> {
  const split = unitSplitter(unit === 'word' ? wordSegmenter() : graphemeSegmenter());
  return (source) =>
    new Observable<T>((subscriber) => {
      // Chunks to emit, in order: one per unit of text, plus the chunks that carry no text.
      const queue: T[] = [];
      let head = 0;
      let unitsQueued = 0;
      // The last unit of the text so far, which the next chunk may still extend.
      let held: T | undefined;
      let lastArrival = 0;
      let timer: Subscription | undefined;
      let end: (() => void) | undefined;

      const enqueue = (chunk: T) => {
        queue.push(chunk);
        if (chunk.text) unitsQueued++;
      };

      const receive = (chunk: T) => {
        const units = unitChunks(split, held, chunk);
        held = undefined;
        if (chunk.text) lastArrival = scheduler.now();
        if (!chunk.done) held = units.pop();
        units.forEach(enqueue);
        if (chunk.done) enqueue({ ...chunk, text: '' });
        else if (!held) enqueue(chunk);
      };

      const type = guard(subscriber, () => {
        timer = undefined;
        const pace =
          maxLagMs === undefined || !unitsQueued
            ? msPerChar
            : Math.min(msPerChar, (lastArrival + maxLagMs - scheduler.now()) / unitsQueued);
        const burst = pace > 0 ? Math.max(1, Math.ceil(MIN_TICK_MS / pace)) : Infinity;
        let typed = 0;
        while (head < queue.length && !subscriber.closed) {
          const chunk = queue[head]!;
          if (chunk.text) {
            if (typed === burst) break;
            typed++;
            unitsQueued--;
          }
          head++;
          subscriber.next(chunk);
        }
        if (subscriber.closed) return;
        if (head === queue.length) {
          queue.length = head = 0;
          if (end) return end();
        } else if (head > queue.length / 2) {
          // A backlog that never drains would otherwise keep every chunk typed so far.
          queue.splice(0, head);
          head = 0;
        }
        if (typed && pace > 0) timer = scheduler.schedule(type, pace * typed);
      });

      const stop = (finish: () => void) => {
        end = finish;
        if (held) enqueue(held);
        held = undefined;
        if (head === queue.length) end();
        else if (!timer) type();
      };

      const upstream = source.subscribe({
        next: guard(subscriber, (chunk: T) => {
          receive(chunk);
          if (!timer) type();
        }),
        error: guard(subscriber, (error: unknown) => stop(() => subscriber.error(error))),
        complete: guard(subscriber, () => stop(() => subscriber.complete())),
      });
      return () => {
        upstream.unsubscribe();
        timer?.unsubscribe();
      };
    });
}

interface Unit {
  text: string;
  index: number;
}

/**
 * The held unit and `chunk`'s text cut into units, each a chunk of its own. Thinking and tool calls
 * ride on the unit where their chunk began (its first character, else the held unit), and only the
 * first piece of a held unit keeps its payload: a unit split again must not repeat it.
 */
function unitChunks<T extends StreamChunk>(split: (text: string, final: boolean) => Unit[], previous: T | undefined, chunk: T): T[] {
  const offset = previous ? previous.text.length : 0;
  const payloadAt = chunk.text ? offset : offset - 1;
  const plain = withoutPayload(chunk);
  return split((previous?.text ?? '') + chunk.text, chunk.done).map(({ index, text }): T => {
    const heldPiece = index >= offset ? undefined : index === 0 ? previous! : withoutPayload(previous!);
    let template = heldPiece ?? plain;
    if (!chunk.done && index <= payloadAt && payloadAt < index + text.length) {
      template = heldPiece ? mergeChunks(heldPiece, chunk) : chunk;
    }
    return { ...template, text, done: false };
  });
}

/**
 * Cuts text into units, the last of which the next chunk may still extend. A chunk may even end
 * between the halves of a surrogate pair, and a lone high half is a grapheme of its own to
 * `Intl.Segmenter` (after a ZWJ it would cut an emoji sequence in two): unless the text is final,
 * it waits in the last unit for its other half.
 */
function unitSplitter(segment: (text: string) => Unit[]): (text: string, final: boolean) => Unit[] {
  return (text, final) => {
    const code = text.charCodeAt(text.length - 1);
    const cut = !final && isHighSurrogate(code) ? text.length - 1 : text.length;
    const units = segment(text.slice(0, cut));
    if (cut < text.length) {
      const last = units.at(-1);
      if (last) last.text += text.slice(cut);
      // Nothing before the cut: the text is that half alone.
      else units.push({ text, index: 0 });
    }
    return units;
  };
}

function graphemeSegmenter(): (text: string) => Unit[] {
  const segmenter = new Intl.Segmenter();
  return (text) => Array.from(segmenter.segment(text), ({ segment, index }) => ({ text: segment, index }));
}

/** Words with the spaces and punctuation after them; text before the first word joins that word. */
function wordSegmenter(): (text: string) => Unit[] {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
  return (text) => {
    const units: (Unit & { hasWord: boolean })[] = [];
    for (const { segment, index, isWordLike } of segmenter.segment(text)) {
      const current = units.at(-1);
      const wordLike = Boolean(isWordLike);
      if (!current || (wordLike && current.hasWord)) units.push({ text: segment, index, hasWord: wordLike });
      else {
        current.text += segment;
        current.hasWord ||= wordLike;
      }
    }
    return units;
  };
}

/** A chunk's fields for the units after its first: no thinking, tool calls or log probabilities (already on the first), no final fields. */
function withoutPayload<T extends StreamChunk>(chunk: T): T {
  const { thinking, toolCalls, logprobs, metrics, doneReason, context, ...plain } = chunk;
  return plain as T;
}
