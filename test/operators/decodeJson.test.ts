import * as t from 'io-ts';
import { from, lastValueFrom } from 'rxjs';
import { decodeJson } from '../../src/operators/decodeJson.js';
import type { StreamChunk } from '../../src/core/types.js';
import { settle } from '../helpers.js';

const Country = t.type({ name: t.string, population: t.number }, 'Country');
const answer = (...pieces: string[]) => from<StreamChunk[]>([...pieces.map((text) => ({ text, done: false })), { text: '', done: true }]);

describe('decodeJson', () => {
  it('emits the whole answer parsed and decoded, once', async () => {
    expect(await lastValueFrom(answer('{"name": "Can', 'ada", "population": 41', '000000}\n').pipe(decodeJson(Country)))).toEqual({
      name: 'Canada',
      population: 41_000_000,
    });
  });

  it("fails an answer that is not JSON with a protocol error quoting it, the parser's error as cause", async () => {
    const { error } = await settle(answer('{"name": ', 'Canada}').pipe(decodeJson(Country)));
    expect(error).toMatchObject({
      name: 'OllamaError',
      kind: 'protocol',
      message: 'the answer is not JSON: "{\\"name\\": Canada}"',
      partialText: '{"name": Canada}',
      cause: expect.any(SyntaxError),
    });
  });

  it('fails JSON that does not match the codec with a protocol error naming the path', async () => {
    const { error } = await settle(answer('{"name": "Canada", "population": "many"}').pipe(decodeJson(Country)));
    expect(error).toMatchObject({
      kind: 'protocol',
      message: expect.stringMatching(/^the answer does not match Country: .*population/),
      partialText: '{"name": "Canada", "population": "many"}',
    });
  });
});
