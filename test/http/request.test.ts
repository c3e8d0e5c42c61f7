// The request's own decisions (headers, statuses, the body's end, cancellation) against a transport
// double that records what it is asked; the same paths over real sockets are in test/integration/faults.
import { lastValueFrom, toArray } from 'rxjs';
import { type Call, type RequestContext, expectNothing, jsonBody, readAnswer, streamLines } from '../../src/http/request.js';
import type { TransportRequest, TransportResponse } from '../../src/http/transport.js';
import { settle } from '../helpers.js';
import { OllamaConfigError } from '../../src/core/errors.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/** A response whose body is `pieces`, read one after the other. */
const answer = (status: number, ...pieces: string[]): TransportResponse => ({
  status,
  header: () => undefined,
  readBody: async (onBytes) => {
    for (const piece of pieces) onBytes(bytes(piece));
  },
});

/** A context whose transport answers with `respond`, and the requests it was given. */
function transport(
  respond: (request: TransportRequest) => TransportResponse | Promise<TransportResponse>,
  extra: Partial<RequestContext> = {},
) {
  const sent: TransportRequest[] = [];
  const context: RequestContext = {
    send: (request) => {
      sent.push(request);
      return Promise.resolve(respond(request));
    },
    baseUrl: 'http://ollama:11434',
    headers: { authorization: 'Bearer k' },
    timeouts: {},
    closed: new AbortController().signal,
    maxAnswerBytes: 100,
    secrets: [],
    ...extra,
  };
  return { context, sent };
}

const show: Call = { method: 'POST', path: '/api/show', body: jsonBody({ model: 'm' }) };
const identity = (value: unknown) => value;
const lines = { decode: identity, isLast: (value: unknown) => (value as { done?: boolean }).done === true };

describe('a request', () => {
  it('sends JSON headers with a JSON body, an upload its own content type, and no body headers without a body; its own headers win', async () => {
    const { context, sent } = transport(() => answer(200, '{}\n'), { headers: { authorization: 'Bearer k', accept: 'text/x' } });
    await lastValueFrom(readAnswer(context, show, identity));
    await lastValueFrom(
      readAnswer(
        context,
        { method: 'POST', path: '/api/blobs/x', body: () => bytes('..'), contentType: 'application/octet-stream' },
        identity,
      ),
    );
    await lastValueFrom(readAnswer(context, { method: 'GET', path: '/api/tags' }, identity));
    expect(sent.map(({ method, url, headers }) => [method, url, headers])).toEqual([
      ['POST', 'http://ollama:11434/api/show', { 'content-type': 'application/json', accept: 'text/x', authorization: 'Bearer k' }],
      [
        'POST',
        'http://ollama:11434/api/blobs/x',
        { 'content-type': 'application/octet-stream', accept: 'text/x', authorization: 'Bearer k' },
      ],
      ['GET', 'http://ollama:11434/api/tags', { authorization: 'Bearer k', accept: 'text/x' }],
    ]);
    const plain = transport(() => answer(200, '{}\n'));
    await lastValueFrom(
      readAnswer(plain.context, { method: 'POST', path: '/api/blobs/x', body: 'x', contentType: 'text/plain' }, identity),
    );
    expect(plain.sent[0]!.headers).toEqual({ 'content-type': 'text/plain', accept: 'application/json', authorization: 'Bearer k' });
  });

  it.each([199, 300, 404])('fails on status %i', async (status) => {
    const { error } = await settle(readAnswer(transport(() => answer(status, '{"error":"no"}\n')).context, show, identity));
    expect(error).toMatchObject({ name: 'OllamaError', statusCode: status });
  });

  it.each([200, 299])('reads the answer of status %i', async (status) => {
    expect(await lastValueFrom(readAnswer(transport(() => answer(status, '{"a":1}\n')).context, show, identity))).toEqual({ a: 1 });
  });

  it('fails an empty one-document answer, and a body of blanks where nothing was expected; an empty one is that answer', async () => {
    const empty = await settle(readAnswer(transport(() => answer(200)).context, show, identity));
    expect(empty.error).toMatchObject({ kind: 'protocol', message: "Ollama's answer to /api/show was empty" });
    const blank = await settle(expectNothing(transport(() => answer(200, ' \n')).context, { method: 'DELETE', path: '/api/delete' }));
    expect(blank.error).toMatchObject({ kind: 'protocol', message: "Ollama's answer to /api/delete was empty" });
    expect(await settle(expectNothing(transport(() => answer(200)).context, { method: 'DELETE', path: '/api/delete' }))).toEqual({
      values: [],
      completed: true,
    });
  });

  it('fails a stream that ends before its last line', async () => {
    const { error } = await settle(streamLines(transport(() => answer(200, '{"done":false}\n')).context, show, lines));
    expect(error).toMatchObject({
      kind: 'protocol',
      message: `Ollama's answer to /api/show ended before its final line (no "done": true)`,
    });
  });

  it('stops counting and reading at the end of its answer: what follows cannot fail it', async () => {
    const { context } = transport(() => answer(200, '{"a":1}\n', 'x'.repeat(500), '{"b":2}\n'));
    expect(await settle(readAnswer(context, show, identity))).toEqual({ values: [{ a: 1 }], completed: true });
    const stream = transport(() => answer(200, '{"done":true}\n', 'not JSON\n'));
    expect(await settle(streamLines(stream.context, show, lines))).toEqual({ values: [{ done: true }], completed: true });
  });

  it('fails a one-document answer longer than maxAnswerBytes', async () => {
    const { error } = await settle(readAnswer(transport(() => answer(200, '{"a":"', 'x'.repeat(200), '"}\n')).context, show, identity));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringContaining('longer than 100 bytes (maxAnswerBytes)') });
  });

  it('sends nothing once the client is closed, and says so', async () => {
    const closed = new AbortController();
    closed.abort();
    const { context, sent } = transport(() => answer(200, '{}\n'), { closed: closed.signal });
    const { error } = await settle(readAnswer(context, show, identity));
    expect(error).toMatchObject({ kind: 'network', message: 'The OllamaClient is closed' });
    expect(sent).toEqual([]);
  });

  it("ends with the caller's own abort reason: sending nothing when it came first, stopping the request when it comes later", async () => {
    const before = new AbortController();
    before.abort(new Error('user left'));
    const early = transport(() => answer(200, '{}\n'), { signal: before.signal });
    expect((await settle(readAnswer(early.context, show, identity))).error).toBe(before.signal.reason);
    expect(early.sent).toEqual([]);

    const later = new AbortController();
    // An answer that never comes: a model still loading.
    const late = transport(() => new Promise<TransportResponse>(() => {}), { signal: later.signal });
    const result = settle(readAnswer(late.context, show, identity));
    await Promise.resolve();
    later.abort(new Error('user left later'));
    expect((await result).error).toBe(later.signal.reason);
    expect(late.sent[0]!.signal.aborted).toBe(true);
  });

  it('reads nothing of an answer that arrives after unsubscription', async () => {
    let arrive!: (response: TransportResponse) => void;
    const readBody = jest.fn(() => Promise.resolve());
    const { context } = transport(() => new Promise<TransportResponse>((resolve) => (arrive = resolve)));
    const subscription = readAnswer(context, show, identity).subscribe();
    await Promise.resolve();
    subscription.unsubscribe();
    arrive({ status: 200, header: () => undefined, readBody });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(readBody).not.toHaveBeenCalled();
  });

  it('emits each line of a stream as it is read', async () => {
    const { context } = transport(() => answer(200, '{"n":1,"done":false}\n{"n":2', ',"done":false}\n{"done":true}\n'));
    expect(await lastValueFrom(streamLines(context, show, lines).pipe(toArray()))).toEqual([
      { n: 1, done: false },
      { n: 2, done: false },
      { done: true },
    ]);
  });

  it('ignores a line after the last one even when both came in one read', async () => {
    const { context } = transport(() => answer(200, '{"done":true}\n{"done":false}\n'));
    expect(await settle(streamLines(context, show, lines))).toEqual({ values: [{ done: true }], completed: true });
  });

  it('explains a line that does not decode from its redacted copy, and shows none of a line that fails only for its secret', async () => {
    const secret = 'sk-0123456789abcdefghij';
    const strict = {
      decode: (value: unknown) => {
        if (typeof (value as { n?: unknown }).n !== 'number') throw new Error(`not a count: ${JSON.stringify(value).slice(0, 30)}`);
        return value;
      },
      isLast: () => true,
    };
    // The message quotes 30 characters: the cut splits the secret, which a later redaction would miss.
    const quoted = transport(() => answer(200, `{"n":"x","k":"${secret}"}\n`), { secrets: [secret] });
    const { error } = await settle(streamLines(quoted.context, show, strict));
    expect(String(error)).toContain('not a count: {"n":"x","k":"***"}');
    expect(String(error)).not.toContain(secret.slice(0, 6));

    const onlyForItsSecret = {
      decode: (value: unknown) => {
        if (JSON.stringify(value).includes(secret)) throw new Error(`refused ${JSON.stringify(value)}`);
        return value;
      },
      isLast: () => true,
    };
    const hidden = transport(() => answer(200, `{"k":"${secret}"}\n`), { secrets: [secret] });
    expect((await settle(streamLines(hidden.context, show, onlyForItsSecret))).error).toMatchObject({
      kind: 'protocol',
      message: "Ollama's answer to /api/show has a line that does not decode (not shown: it holds a secret)",
    });
  });
});

describe('jsonBody', () => {
  it('is a configuration error for a value JSON cannot carry', () => {
    expect(() => jsonBody({ n: 1n })).toThrow(OllamaConfigError);
    expect(() => jsonBody({ n: 1n })).toThrow(/^Invalid ollama-rx request: .*BigInt/);
  });
});
