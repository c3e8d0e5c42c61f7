import { OllamaError } from '../../src/core/errors.js';
import { redactValue } from '../../src/core/redact.js';

describe('OllamaError.redacted', () => {
  it("scrubs the causes' message, stack and data: undici's HTTPParserError keeps the echoed request in data (issue 21)", () => {
    const echoed = 'GET /api/tags HTTP/1.1\r\nauthorization: Bearer s3cr3t-t0ken-value\r\n\r\n';
    const parserError = Object.assign(new Error(`Expected HTTP/, got ${echoed}`), { name: 'HTTPParserError', data: echoed });
    const outer = new Error('fetch failed', { cause: parserError });
    const error = new OllamaError('network', 'not an HTTP answer', { cause: outer }).redacted([
      'Bearer s3cr3t-t0ken-value',
      's3cr3t-t0ken-value',
    ]);
    const cause = (error.cause as Error).cause as Error & { data: string };
    expect(cause.data).toBe('GET /api/tags HTTP/1.1\r\nauthorization: ***\r\n\r\n');
    expect(cause.message).not.toContain('s3cr3t');
    expect(cause.stack).not.toContain('s3cr3t');
  });
});

describe('redactValue', () => {
  it('replaces secrets in every string and key, keeping "__proto__" an own key', () => {
    const value = JSON.parse('{"a":["x SECRET y",{"SECRET":1}],"__proto__":{"b":"SECRET"},"n":2}') as unknown;
    const redacted = redactValue(value, ['SECRET']);
    expect(JSON.stringify(redacted)).toBe('{"a":["x *** y",{"***":1}],"__proto__":{"b":"***"},"n":2}');
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(redactValue(value, [])).toBe(value);
  });
});
