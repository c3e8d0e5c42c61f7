import fc from 'fast-check';
import * as t from 'io-ts';
import { from, lastValueFrom, toArray } from 'rxjs';
import { OllamaError } from '../../src/core/errors.js';
import { partialJson } from '../../src/operators/partialJson.js';
import { chunkValues } from '../../src/testing/marbles.js';
import type { StreamChunk } from '../../src/core/types.js';
import { settle } from '../helpers.js';
import { marbles } from './virtualTime.js';

/** The pieces as a stream of chunks ending with an empty `done` chunk. */
const chunksOf = (pieces: string[]): StreamChunk[] => [...pieces.map((text) => ({ text, done: false })), { text: '', done: true }];
const emissions = (pieces: string[], codec?: t.Decoder<unknown, unknown>) =>
  lastValueFrom(from(chunksOf(pieces)).pipe(partialJson(codec), toArray()));

describe('partialJson', () => {
  it('emits the value each time it grows, and the whole value when it is complete', () => {
    marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = chunkValues({ a: '{"a": 1', b: '2, "b": [', c: 'tr', d: 'ue, "x', e: 'y"', f: ']}', g: '' }, 'g');
      const source = cold('a-b-c-d-e-f-g|', values);
      // 'tr' shows nothing new (the literal is not complete), and neither does the closing ']}'.
      expectObservable(source.pipe(partialJson())).toBe('a-b---d-e-f--|', {
        a: {},
        b: { a: 12, b: [] },
        d: { a: 12, b: [true, 'x'] },
        e: { a: 12, b: [true, 'xy'] },
        f: { a: 12, b: [true, 'xy'] },
      });
      expectSubscriptions(source.subscriptions).toBe('^------------!');
    });
  });

  it('shows a number only once complete: never 12 for 123', async () => {
    expect(await emissions(['[12', '3', ', 4', '5]'])).toEqual([[], [123], [123, 45]]);
    // A top-level number is complete only when the answer ends.
    expect(await emissions(['12', '3'])).toEqual([123]);
    expect(await emissions(['-', '0.5e', '-3'])).toEqual([-0.0005]);
  });

  it('shows literals once spelled out, and strings as prefixes, escapes resolved', async () => {
    expect(await emissions(['{"ok": tr', 'ue, "s": "a\\', 'n\\u00', 'e9b"}'])).toEqual([
      {},
      { ok: true, s: 'a' },
      { ok: true, s: 'a\n' },
      { ok: true, s: 'a\néb' },
    ]);
  });

  it('hides half a surrogate pair until its other half arrives', async () => {
    expect(await emissions(['["\\ud83d', '\\ude00!"]'])).toEqual([[''], ['😀!']]);
    expect(await emissions(['"a\ud83d', '\ude00"'])).toEqual(['a', 'a😀']);
  });

  it('keeps earlier emissions as they were: each is its own value', async () => {
    const [first, second] = await emissions(['{"list": [{"n": 1}', ', {"n": 2}]}']);
    expect(first).toEqual({ list: [{ n: 1 }] });
    expect(second).toEqual({ list: [{ n: 1 }, { n: 2 }] });
  });

  it('reads "__proto__" as an own key, as JSON.parse does', async () => {
    const [value] = (await emissions(['{"__proto__": {"x": 1}}'])) as object[];
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toEqual(JSON.parse('{"__proto__": {"x": 1}}'));
  });

  it('ignores thinking and chunks without text', async () => {
    const chunks: StreamChunk[] = [
      { text: '', thinking: '{"not": "this"}', done: false },
      { text: '[1]', done: false },
      { text: '', done: true },
    ];
    expect(await lastValueFrom(from(chunks).pipe(partialJson(), toArray()))).toEqual([[1]]);
  });

  describe('failures are protocol errors that keep the text', () => {
    it.each([
      ['a character that cannot start a value', ['{"a": ', 'x}'], /not JSON: "x" where a value was expected at character 7/],
      ['a key without quotes', ['{a: 1}'], /a key in double quotes was expected at character 2/],
      ['text after the value', ['{"a": 1}', ' and more'], /more text after the JSON value at character 10/],
      ['a bad literal', ['[tru', 'th]'], /"truth" where true was expected at character 2/],
      ['a bad number', ['[01]'], /"01", which is not a number, at character 2/],
      ['a control character in a string', ['["a\nb"]'], /a control character inside a string/],
      ['an unknown escape', ['["\\q"]'], /an unknown escape \\q/],
      ['an answer that stops early', ['{"a": [1, 2'], /ended before its JSON value was complete/],
      ['an empty answer', [' '], /is empty, not JSON/],
    ])('%s', async (_what, pieces, message) => {
      const { error } = await settle(from(chunksOf(pieces)).pipe(partialJson()));
      expect(error).toBeInstanceOf(OllamaError);
      expect((error as OllamaError).kind).toBe('protocol');
      expect((error as OllamaError).message).toMatch(message);
      expect((error as OllamaError).partialText).toBe(pieces.join('').slice(0, (error as OllamaError).partialText.length));
    });

    it('stops reading (and so aborts the request) at the first wrong character', () => {
      marbles().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('a-b-c-d|', chunkValues({ a: '[1', b: ', oops', c: ']', d: '' }, 'd'));
        expectObservable(source.pipe(partialJson())).toBe('a-#', { a: [] }, expect.any(OllamaError));
        expectSubscriptions(source.subscriptions).toBe('^-!');
      });
    });

    it('passes errors of the stream through unchanged', () => {
      marbles().run(({ cold, expectObservable }) => {
        const error = new OllamaError('network', 'reset', { partialText: '{"a"' });
        expectObservable(cold('a-#', chunkValues({ a: '[1,' }), error).pipe(partialJson())).toBe('a-#', { a: [1] }, error);
      });
    });
  });

  describe('with an io-ts codec', () => {
    const Country = t.type({ name: t.string, languages: t.array(t.string) });

    it('ends with the decoded value', async () => {
      const NumberFromString = new t.Type<number, string, unknown>(
        'NumberFromString',
        (u): u is number => typeof u === 'number',
        (u, c) => (typeof u === 'string' && u.trim() !== '' && !Number.isNaN(Number(u)) ? t.success(Number(u)) : t.failure(u, c)),
        String,
      );
      const values = await emissions(['{"name": "Can', 'ada", "size": "9.98"}'], t.type({ name: t.string, size: NumberFromString }));
      expect(values).toEqual([{ name: 'Can' }, { name: 'Canada', size: 9.98 }]);
    });

    it('fails with a protocol error naming the path that does not match', async () => {
      const { values, error } = await settle(from(chunksOf(['{"name": "Canada", "languages": ["en", 2]}'])).pipe(partialJson(Country)));
      expect(values).toEqual([]);
      expect(error).toMatchObject({ kind: 'protocol', partialText: '{"name": "Canada", "languages": ["en", 2]}' });
      expect((error as Error).message).toMatch(/does not match .*: languages\.1: expected string, got 2/);
    });
  });

  it('reads \\u escapes in upper, lower and mixed case hex, whole or split (issue 21)', async () => {
    const text = '["\\u00C9\\u00e9\\uD83D\\uDE00\\u00Ab\\uFFFF"]';
    const expected = [String.fromCharCode(0xc9, 0xe9, 0xd83d, 0xde00, 0xab, 0xffff)];
    expect(JSON.parse(text)).toEqual(expected);
    expect((await emissions([text])).at(-1)).toEqual(expected);
    expect((await emissions([...text])).at(-1)).toEqual(expected);
  });

  describe('the complete value goes out once (issue 21)', () => {
    const Strict = t.strict({ a: t.number });

    it.each([
      [['{"a":1,"extra":2}', '\n'], []],
      [['{"a":1,"extra":2}\n', ' ', '\r\n\t'], []],
      [['{"a":1,', '"extra":2}', ' ', '\n'], [{ a: 1 }]],
    ])('trailing whitespace after it re-emits nothing: %j', async (pieces, before) => {
      // JSON-mode models end with newlines: the last emission must stay the decoded value.
      expect(await emissions(pieces, Strict)).toStrictEqual([...before, { a: 1 }]);
      expect(await emissions(pieces)).toStrictEqual([...before, { a: 1, extra: 2 }]);
    });

    it.each([
      ['{"a":1,"a":2}', 'a'],
      ['{"x":{"k":[1],"k":[2]}}', 'k'],
      ['{"a":"x","b":1,"a":"xy"}', 'a'],
    ])('a duplicate key is a protocol error naming it: %s', async (text, key) => {
      for (const pieces of [[text], [...text]]) {
        const { values, error } = await settle(from(chunksOf(pieces)).pipe(partialJson()));
        expect(error).toBeInstanceOf(OllamaError);
        expect(error).toMatchObject({ kind: 'protocol' });
        expect((error as Error).message).toContain(`duplicate key "${key}"`);
        // No emission before the error contradicts another.
        const open = (value: unknown) => JSON.stringify(value).replace(/["}\]]+$/, '');
        for (const value of values) expect(open(values.at(-1)).startsWith(open(value))).toBe(true);
      }
    });
  });

  describe('property: any JSON value, any split into chunks', () => {
    /** Whether `partial` could still become `final`: a subset of keys, a prefix of elements or of a string. */
    const consistent = (partial: unknown, final: unknown): boolean => {
      if (typeof partial === 'string') return typeof final === 'string' && final.startsWith(partial);
      if (partial === null || typeof partial !== 'object') return Object.is(partial, final);
      if (Array.isArray(partial)) {
        if (!Array.isArray(final) || partial.length > final.length) return false;
        // Only the last element may still be incomplete.
        return partial.every((element, i) => (i === partial.length - 1 ? consistent(element, final[i]) : equal(element, final[i])));
      }
      if (final === null || typeof final !== 'object' || Array.isArray(final)) return false;
      const keys = Object.keys(partial);
      return keys.every((key, i) => {
        if (!Object.prototype.hasOwnProperty.call(final, key)) return false;
        const [mine, theirs] = [(partial as Record<string, unknown>)[key], (final as Record<string, unknown>)[key]];
        return i === keys.length - 1 ? consistent(mine, theirs) : equal(mine, theirs);
      });
    };
    const equal = (a: unknown, b: unknown) => {
      try {
        expect(a).toStrictEqual(b);
        return true;
      } catch {
        return false;
      }
    };

    const split = (text: string, cuts: number[]) => {
      const positions = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
      return [0, ...positions].map((start, i, all) => text.slice(start, all[i + 1] ?? text.length));
    };

    it('the last emission deep-equals JSON.parse of the whole; no emission contradicts it; each one grows', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.jsonValue(),
          fc.constantFrom(undefined, 1, '\t'),
          fc.array(fc.nat(), { maxLength: 40 }),
          async (json, indent, cuts) => {
            const text = JSON.stringify(json, null, indent);
            const final: unknown = JSON.parse(text);
            const pieces = split(text, cuts);
            const values = await emissions(pieces);
            expect(values.at(-1)).toStrictEqual(final);
            expect(values.length).toBeLessThanOrEqual(pieces.length + 1);
            for (const [i, value] of values.entries()) {
              expect(consistent(value, final)).toBe(true);
              // Every partial emission shows something the one before did not.
              if (i > 0 && i < values.length - 1) expect(equal(value, values[i - 1])).toBe(false);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
