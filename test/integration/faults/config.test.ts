import { atSubscribe } from '../../helpers.js';
// Cases 6 and 7 (configuration half): a bad host or header is an OllamaConfigError before anything
// is sent, and its message never shows a credential.
import { OllamaClient } from '../../../src/client/client.js';
import { OllamaConfigError } from '../../../src/core/errors.js';
import { parseHost } from '../../../src/config/host.js';
import { startRawServer } from './support.js';

/** The error `run` throws (it must throw). */
function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('case 6: host strings', () => {
  it.each([
    ['http://admin:ab/cd@h:1', 'http://***@h:1', ['admin', 'ab/cd']],
    ['http://u:1234/pw@127.0.0.1:9', 'http://***@127.0.0.1:9', ['u:1234', '1234/pw']],
    ['u:p@ss/w@rd@host:5', '***@host:5', ['p@ss', 'w@rd']],
    ['https://tok/en@ollama.com', 'https://***@ollama.com', ['tok/en']],
  ])('userinfo anywhere in %j is refused, masked as %j', (input, shown, hidden) => {
    const error = thrown(() => parseHost(input));
    expect(error).toBeInstanceOf(OllamaConfigError);
    expect(error.message).toBe(
      `Invalid ollama-rx host ${JSON.stringify(shown)}: credentials in the host are not supported: pass headers: { Authorization } instead`,
    );
    for (const secret of hidden) expect(`${error.message}\n${error.stack}`).not.toContain(secret);
    expect(() => new OllamaClient({ host: input })).toThrow(OllamaConfigError);
  });

  it.each([
    ['127.0.0.1#x', '127.0.0.1#***'],
    ['h/p?q=1', 'h/p?***'],
    ['http://h:80/ollama#frag', 'http://h:80/ollama#***'],
    ['http://h?', 'http://h?***'],
    ['gpu-box:11434?x', 'gpu-box:11434?***'],
  ])('%j is refused: the API path would land in a query or fragment (shown as %j: it may hold a key)', (input, shown) => {
    expect(() => parseHost(input)).toThrow(OllamaConfigError);
    expect(() => parseHost(input)).toThrow(
      `Invalid ollama-rx host ${JSON.stringify(shown)}: a host cannot hold a query (?) or a fragment (#)`,
    );
  });
});

describe('case 7: header values HTTP cannot carry', () => {
  it.each([
    ['CR LF', 'a\r\nInjected: 1'],
    ['LF', 'a\nInjected: 1'],
    ['CR', 'a\rInjected'],
    ['NUL', 'a\u0000Injected'],
  ])('a %s in a header value: OllamaConfigError at construction, naming the header but not the value', (_what, value) => {
    const error = thrown(() => new OllamaClient({ host: 'h', headers: { 'X-Trace': value } }));
    expect(error).toBeInstanceOf(OllamaConfigError);
    expect(error.message).toBe('Invalid ollama-rx options: headers.X-Trace: a header value cannot hold CR, LF or other control characters');
    expect(error.message).not.toContain('Injected');
  });

  it('a header name that is not an HTTP token: OllamaConfigError at construction', () => {
    expect(() => new OllamaClient({ host: 'h', headers: { 'Bad Header': 'x' } })).toThrow(
      'Invalid ollama-rx options: headers.Bad Header: "Bad Header" is not a valid header name',
    );
  });

  it('per-call headers too: generate$ errors at subscribe, promise methods reject, and nothing is sent', async () => {
    const raw = await startRawServer();
    const client = new OllamaClient({ host: raw.url, model: 'm' });
    const headers = { authorization: 'Bearer x\r\nX-Injected: 1' };
    expect(atSubscribe(() => client.generate$('x', { headers }))).toThrow(OllamaConfigError);
    expect(atSubscribe(() => client.chat$([{ role: 'user', content: 'x' }], { headers }))).toThrow(OllamaConfigError);
    await expect(client.list({ headers })).rejects.toBeInstanceOf(OllamaConfigError);
    await expect(client.generate('x', { headers })).rejects.toThrow('headers.authorization: a header value cannot hold CR, LF');
    expect(raw.accepted).toBe(0);
    await client.close();
    await raw.close();
  });

  it('tabs and non-ASCII bytes are valid header values', () => {
    expect(() => new OllamaClient({ host: 'h', headers: { 'X-A': 'a\tb', 'X-B': 'caf\u00e9' } })).not.toThrow();
  });
});
