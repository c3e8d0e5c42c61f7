import { errorFromResponse, parseRetryAfter } from '../../src/protocol/errorAnswer.js';

/** The fields of the error `errorFromResponse` makes, those it does not have left out. */
const errorOf = (...args: Parameters<typeof errorFromResponse>) => {
  const { kind, message, statusCode, signinUrl, retryAfterMs } = errorFromResponse(...args);
  return Object.fromEntries(Object.entries({ kind, message, statusCode, signinUrl, retryAfterMs }).filter(([, v]) => v !== undefined));
};
const FIX = "not followed; set the client's host to the server's address";

describe('errorFromResponse', () => {
  it.each([
    [302, { location: 'https://elsewhere/api' }, `HTTP 302: redirect to https://elsewhere/api ${FIX}`],
    [300, { location: '/x' }, `HTTP 300: redirect to /x ${FIX}`],
    [399, {}, `HTTP 399: redirect ${FIX}`],
    [0, {}, `HTTP 3xx: redirect (its Location is hidden by the browser) ${FIX}`],
  ])('a redirect (%i) is never followed, and says where it pointed', (status, headers, message) => {
    expect(errorOf(status, '{"error": "ignored"}', headers)).toEqual({ kind: 'http', message, statusCode: status });
  });

  it.each([
    [199, '{"error":"early"}', 'http'],
    [404, `{"error":"model 'llama9' not found"}`, 'model_not_found'],
    [500, `{"error":"model 'llama9' not found"}`, 'server'],
    [404, '{"error":"page not found"}', 'http'],
    [503, '{"error":"server busy"}', 'server'],
    [400, '{"error":"invalid options"}', 'http'],
  ])("%i %s is an error of kind %s with Ollama's text", (status, body, kind) => {
    expect(errorOf(status, `  ${body}\n`)).toEqual({ kind, message: JSON.parse(body).error, statusCode: status });
  });

  it('reads a sign-in URL only when it is text, and quotes an object without an error string', () => {
    expect(errorOf(401, '{"error":"unauthorized","signin_url":"https://ollama.com/connect?key=x"}')).toEqual({
      kind: 'http',
      message: 'unauthorized',
      statusCode: 401,
      signinUrl: 'https://ollama.com/connect?key=x',
    });
    expect(errorOf(401, '{"error":"unauthorized","signin_url":5}')).toEqual({ kind: 'http', message: 'unauthorized', statusCode: 401 });
    expect(errorOf(422, '{"detail": "bad"}').message).toBe('{"detail":"bad"}');
    expect(errorOf(422, JSON.stringify({ detail: 'x'.repeat(300) })).message).toHaveLength(200);
    expect(errorOf(500, '{"error": ""}').message).toBe('HTTP 500');
  });

  it.each([
    [
      'an HTML page, by its title',
      '<html><head><title lang="en">502  Bad\nGateway</title></head><body><h1>nginx</h1></body></html>',
      'HTTP 502: 502 Bad Gateway',
    ],
    ['markup without a title, as its words', '<p>Service</p><b>unavailable</b>\n\n now', 'HTTP 502: Service unavailable now'],
    ['JSON that is not an object', '[1, 2]', 'HTTP 502: [1, 2]'],
    ['an object that does not parse', '{oops', 'HTTP 502: {oops'],
    ['an empty body', ' \n', 'HTTP 502'],
    ['200 characters, whole', 'x'.repeat(200), `HTTP 502: ${'x'.repeat(200)}`],
    ['more, cut', 'y'.repeat(201), `HTTP 502: ${'y'.repeat(200)}…`],
  ])("a body that is not Ollama's JSON is summarised: %s", (_, body, message) => {
    expect(errorOf(502, body)).toEqual({ kind: 'http', message, statusCode: 502 });
  });

  it('redacts the secrets from the body before it is cut', () => {
    const secret = 'sk-1234567890abcdef';
    expect(errorOf(500, `${'a'.repeat(195)}${secret}`, { secrets: [secret] }).message).toBe(`HTTP 500: ${'a'.repeat(195)}***`);
    expect(errorOf(500, `{"error":"bad key ${secret}"}`, { secrets: [secret] }).message).toBe('bad key ***');
  });

  it('carries Retry-After as retryAfterMs', () => {
    expect(errorOf(429, '{"error":"slow down"}', { retryAfter: '3' })).toEqual({
      kind: 'http',
      message: 'slow down',
      statusCode: 429,
      retryAfterMs: 3_000,
    });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['  ', undefined],
    ['120', 120_000],
    [' 5 ', 5_000],
    ['5s', undefined],
    ['x5', undefined],
    ['Wed, 21 Oct 2015 07:28:02 GMT', 2_000],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
  ])('%j is %j ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});
