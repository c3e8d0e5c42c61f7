import { OllamaConfigError, OllamaError, ToolCallError, toOllamaError } from '../../src/core/errors.js';
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

describe('OllamaError', () => {
  it('has only the details it was given, as own fields, and a cause only when one was given', () => {
    const bare = new OllamaError('http', 'm');
    expect([bare.name, bare.kind, bare.message, bare.partialText]).toEqual(['OllamaError', 'http', 'm', '']);
    expect(['statusCode', 'phase', 'signinUrl', 'retryAfterMs', 'cause'].filter((key) => key in bare)).toEqual([]);
    const cause = new Error('below');
    const full = new OllamaError('timeout', 'm', {
      statusCode: 503,
      phase: 'idle',
      partialText: 'ab',
      cause,
      signinUrl: 'u',
      retryAfterMs: 5,
    });
    expect({ ...full, cause: full.cause }).toEqual({
      name: 'OllamaError',
      kind: 'timeout',
      statusCode: 503,
      phase: 'idle',
      partialText: 'ab',
      signinUrl: 'u',
      retryAfterMs: 5,
      cause,
    });
  });

  it('withPartialText: the same error for the same text, else a copy with every detail and the stack', () => {
    const error = new OllamaError('server', 'm', { statusCode: 500, partialText: 'a', retryAfterMs: 9 });
    expect(error.withPartialText('a')).toBe(error);
    const copy = error.withPartialText('ab');
    expect([copy.kind, copy.message, copy.statusCode, copy.retryAfterMs, copy.partialText, copy.stack]).toEqual([
      'server',
      'm',
      500,
      9,
      'ab',
      error.stack,
    ]);
  });

  it('redacted: itself without secrets or without a match; else a copy with message, stack and sign-in URL scrubbed', () => {
    const error = new OllamaError('http', 'echo KEY', { statusCode: 401, partialText: 'KEY said', signinUrl: 'https://x/?k=KEY' });
    expect(error.redacted([])).toBe(error);
    expect(error.redacted(['absent'])).toBe(error);
    const copy = error.redacted(['KEY']);
    expect([copy.message, copy.signinUrl, copy.statusCode, copy.partialText]).toEqual(['echo ***', 'https://x/?k=***', 401, 'KEY said']);
    expect(copy.stack).toContain('echo ***');
    expect(copy.stack).not.toContain('KEY');
    // A secret in the stack alone (a frame's path) still makes a copy.
    const inStack = new OllamaError('http', 'plain');
    inStack.stack = 'OllamaError: plain\n    at /home/KEY/x.js:1:1';
    expect(inStack.redacted(['KEY']).stack).toBe('OllamaError: plain\n    at /home/***/x.js:1:1');
    const inUrl = new OllamaError('http', 'plain', { signinUrl: 'https://x/KEY' });
    expect(inUrl.redacted(['KEY']).signinUrl).toBe('https://x/***');
  });

  it('scrubs four causes deep, skips what is not an Error or not a string, and survives a frozen cause', () => {
    const chain = [1, 2, 3, 4, 5].reduceRight<Error | undefined>((cause, n) => new Error(`cause ${n} KEY`, { cause }), undefined)!;
    new OllamaError('network', 'm', { cause: chain }).redacted(['KEY']);
    const messages: string[] = [];
    for (let current: unknown = chain; current instanceof Error; current = current.cause) messages.push(current.message);
    expect(messages).toEqual(['cause 1 ***', 'cause 2 ***', 'cause 3 ***', 'cause 4 ***', 'cause 5 KEY']);

    const odd = Object.assign(new Error('x'), { data: 42 });
    expect(() => new OllamaError('network', 'KEY', { cause: 'a string KEY' }).redacted(['KEY'])).not.toThrow();
    expect(() => new OllamaError('network', 'KEY', { cause: odd }).redacted(['KEY'])).not.toThrow();
    const frozen = Object.freeze(new Error('frozen KEY'));
    expect(new OllamaError('network', 'KEY', { cause: frozen }).redacted(['KEY']).message).toBe('***');
    expect(frozen.message).toBe('frozen KEY');
  });
});

describe('the other errors', () => {
  it('OllamaConfigError is a TypeError; ToolCallError keeps its call and cause', () => {
    expect(new OllamaConfigError('bad').name).toBe('OllamaConfigError');
    expect(new OllamaConfigError('bad')).toBeInstanceOf(TypeError);
    const call = { function: { name: 'f', arguments: {} } };
    const error = new ToolCallError('failed', call, { cause: 'why' });
    expect([error.name, error.message, error.call, error.cause]).toEqual(['ToolCallError', 'failed', call, 'why']);
  });

  it('toOllamaError keeps an OllamaError (adding partialText if it had none) and wraps anything else as network', () => {
    const withText = new OllamaError('http', 'm', { partialText: 'a' });
    expect(toOllamaError(withText, 'other')).toBe(withText);
    expect(toOllamaError(new OllamaError('http', 'm'), 'b').partialText).toBe('b');
    const foreign = new Error('reset');
    const wrapped = toOllamaError(foreign, 'c');
    expect([wrapped.kind, wrapped.message, wrapped.partialText, wrapped.cause]).toEqual(['network', 'reset', 'c', foreign]);
    expect(toOllamaError(foreign).partialText).toBe('');
  });
});

describe('OllamaError.redacted, the less usual shapes', () => {
  it('redacts the message even when the stack does not show it, and copes with no stack at all', () => {
    const error = new OllamaError('http', 'echo KEY');
    error.stack = 'replaced';
    expect(error.redacted(['KEY']).message).toBe('echo ***');
    const stackless = new OllamaError('http', 'echo KEY');
    stackless.stack = undefined;
    expect(stackless.redacted(['KEY']).message).toBe('echo ***');
  });

  it("scrubs a cause's stack read before the redaction, and a cause that quotes only one of several secrets", () => {
    const cause = new Error('quoted KEY');
    expect(cause.stack).toContain('KEY'); // V8 formats the stack on first read: now it holds the secret
    new OllamaError('network', 'm', { cause }).redacted(['OTHER', 'KEY']);
    expect([cause.message, cause.stack!.includes('KEY')]).toEqual(['quoted ***', false]);
  });
});
