import { atSubscribe } from '../helpers.js';
import { OllamaClient } from '../../src/client/client.js';
import { OllamaConfigError } from '../../src/core/errors.js';
import { HeaderPolicy } from '../../src/config/headers.js';
import { parseHost } from '../../src/config/host.js';

describe('parseHost follows OLLAMA_HOST rules', () => {
  it.each([
    [undefined, 'http://127.0.0.1:11434'],
    ['', 'http://127.0.0.1:11434'],
    ['  ', 'http://127.0.0.1:11434'],
    ['gpu-box', 'http://gpu-box:11434'],
    ['gpu-box:8080', 'http://gpu-box:8080'],
    [':8080', 'http://127.0.0.1:8080'],
    ['0.0.0.0', 'http://0.0.0.0:11434'],
    ['10.0.0.5:11434', 'http://10.0.0.5:11434'],
    ['http://example.com', 'http://example.com:80'],
    ['https://example.com', 'https://example.com:443'],
    ['https://example.com:8443', 'https://example.com:8443'],
    ['HTTPS://Example.com', 'https://Example.com:443'],
    ['http://example.com/ollama', 'http://example.com:80/ollama'],
    ['https://example.com/a/b/', 'https://example.com:443/a/b'],
    ['example.com/', 'http://example.com:11434'],
    ['http://127.0.0.1:11434/', 'http://127.0.0.1:11434'],
    ['"gpu-box:1234"', 'http://gpu-box:1234'],
    ["'gpu-box'", 'http://gpu-box:11434'],
    ['[::1]', 'http://[::1]:11434'],
    ['[::1]:8080', 'http://[::1]:8080'],
    ['http://[fe80::1]:99/x', 'http://[fe80::1]:99/x'],
    ['ollama.com', 'https://ollama.com:443'],
  ])('%j → %s', (input, expected) => {
    expect(parseHost(input)).toBe(expected);
  });

  it.each([
    ['ftp://example.com', /scheme must be http or https, not "ftp"/],
    ['gpu-box:port', /port must be a number from 0 to 65535, not "port"/],
    ['gpu-box:70000', /not "70000"/],
    ['http://exa mple.com', /not a valid URL/],
  ])('%j is refused with a message naming the value', (input, message) => {
    expect(() => parseHost(input)).toThrow(OllamaConfigError);
    expect(() => parseHost(input)).toThrow(message);
    expect(() => parseHost(input)).toThrow(JSON.stringify(input));
  });

  it.each(['http://user:secret@gpu-box:1234', 'user:secret@gpu-box'])('%j is refused without showing the credentials', (input) => {
    expect(() => parseHost(input)).toThrow('credentials in the host are not supported: pass headers: { Authorization } instead');
    expect(() => parseHost(input)).toThrow('***@gpu-box');
    expect(() => parseHost(input)).not.toThrow(/secret/);
  });

  it.each([
    'http://gpu-box/?key=s3cr3tv4lue',
    'http://gpu-box:1234/api#s3cr3tv4lue',
    'gpu-box/?token=s3cr3tv4lue#s3cr3tv4lue',
    'http://user:s3cr3tv4lue@gpu-box/?key=s3cr3tv4lue',
    'https://s3cr3tv4lue@gpu-box#frag',
  ])('%j: a secret in the query, fragment or userinfo is not quoted (issue 21)', (input) => {
    expect(() => parseHost(input)).toThrow(OllamaConfigError);
    expect(() => parseHost(input)).toThrow(/gpu-box/);
    expect(() => parseHost(input)).not.toThrow(/s3cr3t/);
  });

  it.each([
    ['an array', { Authorization: ['Bearer s3cr3tv4lue'] }],
    ['an object', { 'X-Api-Key': { key: 's3cr3tv4lue' } }],
    ['a number', { 'X-Api-Key': 7_357_123_456 }],
    ['a string, the headers themselves', 'Authorization: Bearer s3cr3tv4lue'],
  ])('a header value that is not a string (%s) is not echoed (issue 21)', (_what, headers) => {
    expect(() => new OllamaClient({ headers: headers as never })).toThrow(OllamaConfigError);
    expect(() => new OllamaClient({ headers: headers as never })).not.toThrow(/s3cr3t|7357123456/);
    const call = atSubscribe(() => new OllamaClient().generate$('x', { model: 'm', headers: headers as never }));
    expect(call).toThrow(OllamaConfigError);
    expect(call).not.toThrow(/s3cr3t|7357123456/);
  });

  it('reads OLLAMA_HOST and OLLAMA_MODEL when no option is given', () => {
    const saved = { host: process.env.OLLAMA_HOST, model: process.env.OLLAMA_MODEL };
    process.env.OLLAMA_HOST = 'env-box:1234';
    process.env.OLLAMA_MODEL = 'env-model';
    try {
      const client = new OllamaClient();
      expect(client.host).toBe('http://env-box:1234');
      expect(client.model).toBe('env-model');
      expect(new OllamaClient({ host: 'option-box', model: 'm' })).toMatchObject({ host: 'http://option-box:11434', model: 'm' });
    } finally {
      restore('OLLAMA_HOST', saved.host);
      restore('OLLAMA_MODEL', saved.model);
    }
  });
});

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

describe('OllamaClient options are validated at construction', () => {
  it.each([
    [{ host: 42 }, 'Invalid ollama-rx options: host: expected string, got 42'],
    [{ timeouts: { idle: -5 } }, 'timeouts.idle: expected a positive number (ms), got -5'],
    [{ timeouts: { firstToken: '10s' } }, 'timeouts.firstToken: expected a positive number (ms), got "10s"'],
    [{ timeouts: { idel: 5 } }, 'timeouts'],
    [{ maxConnections: 1.5 }, 'maxConnections: expected a positive integer, got 1.5'],
    [{ headers: { Authorization: 7 } }, 'headers.Authorization: expected a string, got number'],
    [{ host: 'ftp://x' }, 'scheme must be http or https'],
  ])('%j', (options, message) => {
    expect(() => new OllamaClient(options as never)).toThrow(OllamaConfigError);
    expect(() => new OllamaClient(options as never)).toThrow(message);
  });

  it('validates per-call timeouts when the stream is subscribed', () => {
    const client = new OllamaClient({ host: 'localhost:1', model: 'm' });
    expect(atSubscribe(() => client.generate$('x', { timeouts: { total: 0 } }))).toThrow(
      'timeouts.total: expected a positive number (ms), got 0',
    );
    expect(atSubscribe(() => client.generate$('x', { timeouts: { connect: 5 } as never }))).toThrow(
      'timeouts.connect: unknown option "connect" (expected one of firstToken, idle, total)',
    );
  });
});

describe('HeaderPolicy: secret header names are matched case-insensitively (issue 21)', () => {
  it.each([
    [['X-Api-Key'], { 'X-Api-Key': 'k3y-0f-the-proxy' }],
    [['X-Api-Key'], { 'x-api-key': 'k3y-0f-the-proxy' }],
    [['x-api-key'], { 'X-API-KEY': 'k3y-0f-the-proxy' }],
  ])('secretHeaders %j with headers %j', (secretHeaders, headers) => {
    const policy = new HeaderPolicy('http://127.0.0.1:11434', headers, secretHeaders);
    expect(policy.secrets).toContain('k3y-0f-the-proxy');
    expect(new HeaderPolicy('http://127.0.0.1:11434', {}, secretHeaders).forCall(headers).secrets).toContain('k3y-0f-the-proxy');
  });
});
