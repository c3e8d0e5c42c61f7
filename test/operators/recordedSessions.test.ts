// typewriter, throttleChunks and firstTokenLatency on recorded sessions (test/fixtures/*.har, made by
// scripts/record-fixtures.ts against the simulated Ollama): a model's own pauses — the load before
// the first line, thinking before the answer, uneven gaps — in virtual time, so every expectation is exact.
import { join } from 'node:path';
import { type Observable, materialize, tap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { StreamChunk } from '../../src/core/types.js';
import { firstTokenLatency } from '../../src/operators/firstTokenLatency.js';
import { throttleChunks } from '../../src/operators/throttleChunks.js';
import { typewriter } from '../../src/operators/typewriter.js';
import { loadRecording } from '../../src/testing/har/file.js';
import { replayChunks } from '../../src/testing/har/replayChunks.js';
import type { Recording } from '../../src/testing/har/types.js';

const fixture = (name: string): Recording => loadRecording(join(__dirname, '..', 'fixtures', `${name}.har`));
const thinking = fixture('chat-thinking');
const toolRound = fixture('tool-round');
const failing = fixture('mid-stream-error');

/** Each NDJSON line's offset, as replayChunks emits them (one line per HTTP chunk in these recordings). */
const offsetsOf = (recording: Recording, entry: number) => recording.entries[entry]!.chunks.map((chunk) => chunk.offsetMs);

interface Timed {
  at: number;
  kind: 'N' | 'E' | 'C';
  chunk?: StreamChunk;
  error?: unknown;
}

/** Runs `stream` in virtual time: every notification with its frame. */
function timed(build: (scheduler: TestScheduler) => Observable<StreamChunk>): Timed[] {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const seen: Timed[] = [];
  scheduler.run(() => {
    build(scheduler)
      .pipe(
        materialize(),
        tap((n) =>
          seen.push({
            at: scheduler.now(),
            kind: n.kind,
            chunk: n.kind === 'N' ? n.value : undefined,
            error: n.kind === 'E' ? n.error : undefined,
          }),
        ),
      )
      .subscribe();
  });
  return seen;
}

const textOf = (events: Timed[]) => events.map((event) => event.chunk?.text ?? '').join('');

describe('replayChunks of the recorded sessions', () => {
  it('emits each line at its recorded offset: thinking first, then the answer', () => {
    const events = timed((scheduler) => replayChunks(thinking, { scheduler }));
    expect(events.filter((event) => event.kind === 'N').map((event) => event.at)).toEqual(offsetsOf(thinking, 0));
    expect(events.at(-1)).toMatchObject({ kind: 'C', at: offsetsOf(thinking, 0).at(-1) });
    const chunks = events.flatMap((event) => (event.chunk ? [event.chunk] : []));
    expect(chunks[0]!.thinking).toBeTruthy();
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('17 × 23 = 391.');
  });

  it("firstTokenLatency is the first answer line's offset: the load and the thinking included", () => {
    const firstText = thinking.entries[0]!.chunks.findIndex((chunk) => /"content":"[^"]/.test(new TextDecoder().decode(chunk.bytes)));
    const expected = offsetsOf(thinking, 0)[firstText]!;
    expect(firstText).toBeGreaterThan(5);
    const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
    scheduler.run(({ expectObservable }) => {
      expectObservable(replayChunks(thinking, { scheduler }).pipe(firstTokenLatency(scheduler))).toBe(`${expected}ms (a|)`, {
        a: expected,
      });
    });
  });

  it('the tool round: the calls come in the first answer, the text in the second', () => {
    const calls = timed((scheduler) => replayChunks(toolRound, { scheduler, entry: 0 }));
    expect(calls.flatMap((event) => event.chunk?.toolCalls ?? [])).toEqual([
      expect.objectContaining({ function: expect.objectContaining({ name: 'get_weather', arguments: { city: 'Oslo' } }) }),
    ]);
    const answer = timed((scheduler) => replayChunks(toolRound, { scheduler, entry: 1 }));
    expect(textOf(answer)).toContain('get_weather says 12 °C and clear');
    expect(answer.filter((event) => event.kind === 'N').map((event) => event.at)).toEqual(offsetsOf(toolRound, 1));
  });

  it("the mid-stream error fails the stream at its line's offset, the text before it kept", () => {
    const events = timed((scheduler) => replayChunks(failing, { scheduler }));
    const error = events.at(-1)!;
    expect(error).toMatchObject({ kind: 'E', at: offsetsOf(failing, 0).at(-1) });
    expect(error.error).toMatchObject({ kind: 'server', message: 'the simulated GPU ran out of memory', partialText: textOf(events) });
  });
});

describe('throttleChunks on a recorded session', () => {
  const WINDOW = 100;

  it('at most one emission per window, nothing lost, the done chunk when the stream ends', () => {
    const source = timed((scheduler) => replayChunks(thinking, { scheduler }));
    const events = timed((scheduler) => replayChunks(thinking, { scheduler }).pipe(throttleChunks(WINDOW, scheduler)));
    const emissions = events.filter((event) => event.kind === 'N');
    expect(emissions.length).toBeLessThan(source.length - 1);
    // The first at once; the rest a window apart at least, but the last, which the end lets out at once.
    expect(emissions[0]!.at).toBe(source[0]!.at);
    emissions.slice(1, -1).forEach((emission, i) => expect(emission.at - emissions[i]!.at).toBeGreaterThanOrEqual(WINDOW));
    expect(emissions.at(-1)).toMatchObject({ at: source.at(-1)!.at, chunk: expect.objectContaining({ done: true }) });
    expect(textOf(emissions)).toBe(textOf(source));
    expect(emissions.map((event) => event.chunk!.thinking ?? '').join('')).toBe(
      source.map((event) => event.chunk?.thinking ?? '').join(''),
    );
  });
});

describe('typewriter on a recorded session', () => {
  it('one character at a time, none before its line arrived, none more than maxLagMs behind it', () => {
    const MS_PER_CHAR = 20;
    const MAX_LAG = 60;
    const source = timed((scheduler) => replayChunks(toolRound, { scheduler, entry: 1 }));
    const events = timed((scheduler) =>
      replayChunks(toolRound, { scheduler, entry: 1 }).pipe(typewriter(MS_PER_CHAR, { scheduler, maxLagMs: MAX_LAG })),
    );
    const typed = events.filter((event) => event.kind === 'N' && event.chunk!.text);
    expect(typed.every((event) => [...new Intl.Segmenter().segment(event.chunk!.text)].length === 1)).toBe(true);
    expect(textOf(typed)).toBe(textOf(source));
    // When each character's line arrived.
    const arrivals: number[] = [];
    for (const event of source) for (const _ of new Intl.Segmenter().segment(event.chunk?.text ?? '')) arrivals.push(event.at);
    typed.forEach((event, i) => {
      expect(event.at).toBeGreaterThanOrEqual(arrivals[i]!);
      expect(event.at - arrivals[i]!).toBeLessThanOrEqual(MAX_LAG + MS_PER_CHAR);
    });
    expect(events.at(-2)!.chunk).toMatchObject({ done: true });
    expect(events.at(-1)!.kind).toBe('C');
  });

  it('types out the text received before a mid-stream error, then fails with it', () => {
    const source = timed((scheduler) => replayChunks(failing, { scheduler }));
    const events = timed((scheduler) => replayChunks(failing, { scheduler }).pipe(typewriter(10, { scheduler })));
    expect(textOf(events)).toBe(textOf(source));
    expect(events.at(-1)).toMatchObject({ kind: 'E', error: expect.objectContaining({ kind: 'server' }) });
    expect(events.at(-1)!.at).toBeGreaterThanOrEqual(source.at(-1)!.at);
  });
});
