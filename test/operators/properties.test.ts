import fc from 'fast-check';
import { type OperatorFunction, type SchedulerLike, VirtualTimeScheduler, concatMap, from, map, timer } from 'rxjs';
import { countTokens } from '../../src/operators/countTokens.js';
import { throttleChunks } from '../../src/operators/throttleChunks.js';
import { typewriter } from '../../src/operators/typewriter.js';
import type { StreamChunk } from '../../src/core/types.js';

// Graphemes of one or many code points: combining marks, skin tones, ZWJ families, flags, Hangul jamo, CRLF.
const GRAPHEMES = ['a', 'Z', ' ', '\n', '\r\n', ',', '!', 'e\u0301', '👍', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇫🇷', '字', '가', 'ǅ'];
const graphemesOf = (text: string) =>
  Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);

/** A text cut into chunks anywhere — inside graphemes, even between the halves of a surrogate pair — arriving at random gaps. */
const stream = fc
  .record({
    text: fc.array(fc.constantFrom(...GRAPHEMES), { maxLength: 30 }).map((graphemes) => graphemes.join('')),
    cuts: fc.array(fc.nat(), { maxLength: 12 }),
    gaps: fc.array(fc.nat({ max: 40 }), { maxLength: 14 }),
    textOnDone: fc.boolean(),
  })
  .map(({ text, cuts, gaps, textOnDone }) => {
    const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
    const pieces = [0, ...positions].map((start, i, all) => text.slice(start, all[i + 1] ?? text.length));
    const chunks: StreamChunk[] = pieces.map((piece) => ({ text: piece, done: false }));
    if (textOnDone) chunks.at(-1)!.done = true;
    else chunks.push({ text: '', done: true });
    return { text, chunks, gaps };
  });

/** Runs `chunks`, spaced by `gaps`, through an operator in virtual time. */
function play<T>(chunks: StreamChunk[], gaps: number[], operator: (scheduler: SchedulerLike) => OperatorFunction<StreamChunk, T>) {
  const scheduler = new VirtualTimeScheduler();
  const emitted: { value: T; at: number }[] = [];
  let completed = false;
  from(chunks)
    .pipe(
      concatMap((chunk, i) => timer(gaps[i] ?? 0, scheduler).pipe(map(() => chunk))),
      operator(scheduler),
    )
    .subscribe({ next: (value) => emitted.push({ value, at: scheduler.now() }), complete: () => (completed = true) });
  scheduler.flush();
  return { emitted, values: emitted.map((e) => e.value), completed };
}

const textOf = (chunks: StreamChunk[]) => chunks.map((chunk) => chunk.text).join('');
/** The typed units; chunks without text (passed through) left out. */
const unitsOf = (chunks: StreamChunk[]) => chunks.map((chunk) => chunk.text).filter((text) => text !== '');

describe('operator laws', () => {
  it('throttleChunks loses no text, ends with the done chunk, and spaces its emissions at least a window apart', () => {
    fc.assert(
      fc.property(stream, fc.integer({ min: 1, max: 30 }), ({ text, chunks, gaps }, ms) => {
        const { emitted, values, completed } = play(chunks, gaps, (scheduler) => throttleChunks(ms, scheduler));
        expect(completed).toBe(true);
        expect(textOf(values)).toBe(text);
        expect(values.map((chunk) => chunk.done)).toEqual([...values.slice(1).map(() => false), true]);
        // The last emission may be the flush at completion, which is never delayed.
        for (let i = 1; i < emitted.length - 1; i++) expect(emitted[i]!.at - emitted[i - 1]!.at).toBeGreaterThanOrEqual(ms);
      }),
    );
  });

  it('typewriter emits exactly the graphemes of the whole text, then the done chunk, at any pace', () => {
    fc.assert(
      fc.property(
        stream,
        fc.integer({ min: 0, max: 60 }),
        fc.option(fc.integer({ min: 1, max: 200 })),
        ({ text, chunks, gaps }, ms, maxLagMs) => {
          const { values, completed } = play(chunks, gaps, (scheduler) => typewriter(ms, { scheduler, maxLagMs: maxLagMs ?? undefined }));
          expect(completed).toBe(true);
          expect(unitsOf(values)).toEqual(graphemesOf(text));
          expect(values.at(-1)).toMatchObject({ text: '', done: true });
        },
      ),
    );
  });

  it('typewriter by words loses no text and cuts only between graphemes', () => {
    fc.assert(
      fc.property(stream, ({ text, chunks, gaps }) => {
        const { values } = play(chunks, gaps, (scheduler) => typewriter(10, { scheduler, unit: 'word' }));
        expect(textOf(values)).toBe(text);
        const boundaries = new Set(graphemesOf(text).map((_, i, all) => all.slice(0, i + 1).join('').length));
        let end = 0;
        for (const unit of unitsOf(values)) expect(boundaries.has((end += unit.length))).toBe(true);
      }),
    );
  });

  it("countTokens' last value is the number of chunks with text when no evalCount is sent", () => {
    fc.assert(
      fc.property(stream, ({ chunks, gaps }) => {
        const { values } = play(chunks, gaps, () => countTokens());
        expect(values.at(-1) ?? 0).toBe(chunks.filter((chunk) => chunk.text !== '').length);
      }),
    );
  });
});
