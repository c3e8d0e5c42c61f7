import { NdjsonParser } from '../../src/protocol/ndjson.js';

const bytesOf = (text: string) => new TextEncoder().encode(text);

/** Every value `pieces` make, read by one parser. */
function valuesOf(parser: NdjsonParser, pieces: Uint8Array[]): unknown[] {
  const values: unknown[] = [];
  for (const piece of pieces) parser.push(piece, (value) => values.push(value));
  parser.end((value) => values.push(value));
  return values;
}

describe('NdjsonParser', () => {
  it('parses the whole lines of one read in a single JSON.parse call', () => {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ response: `token ${i}`, done: false }));
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const values: unknown[] = [];
      new NdjsonParser().push(bytesOf(lines.join('\n') + '\n'), (value) => values.push(value));
      expect(parse).toHaveBeenCalledTimes(1);
      expect(values).toHaveLength(200);
    } finally {
      parse.mockRestore();
    }
  });

  it('fails a line as soon as its unfinished part is longer than the limit, before its newline arrives', () => {
    const parser = new NdjsonParser(100);
    parser.push(bytesOf('{"response": "'), () => {});
    parser.push(bytesOf('x'.repeat(80)), () => {});
    expect(() => parser.push(bytesOf('x'.repeat(10)), () => {})).toThrow(
      expect.objectContaining({ kind: 'protocol', message: expect.stringContaining('longer than 100 bytes') }),
    );
  });

  it('copies a partial line: a transport may reuse the buffer it handed over', () => {
    const buffer = bytesOf('{"response": "abc');
    const parser = new NdjsonParser();
    parser.push(buffer, () => {});
    buffer.fill(0x20);
    expect(valuesOf(parser, [bytesOf('"}\n')])).toEqual([{ response: 'abc' }]);
  });

  it('reads a last line without its newline at the end, and nothing more when there is none', () => {
    expect(valuesOf(new NdjsonParser(), [bytesOf('{"a": 1}\n{"b"'), bytesOf(': 2}')])).toEqual([{ a: 1 }, { b: 2 }]);
    expect(valuesOf(new NdjsonParser(), [bytesOf('{"a": 1}\n')])).toEqual([{ a: 1 }]);
  });

  it("keeps the JSON parser's own error, for the redacted line, as the cause of a line that is not JSON", () => {
    const parser = new NdjsonParser(undefined, ['sk-secret-token']);
    let thrown: unknown;
    try {
      parser.push(bytesOf('sk-secret-token is not JSON\n'), () => {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ kind: 'protocol', message: 'Ollama sent a line that is not JSON: "*** is not JSON"' });
    const { cause } = thrown as { cause: unknown };
    expect(cause).toBeInstanceOf(SyntaxError);
    expect((cause as Error).message).toContain('***');
    expect((cause as Error).message).not.toContain('sk-secret');
  });
});
