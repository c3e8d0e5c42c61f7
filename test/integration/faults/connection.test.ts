import { OllamaClient } from '../../../src/client/client.js';
import { ollamaError, settle, texts } from '../../helpers.js';
import { afterRequestHead, expectFailure, expectNothingLeftBehind, loopback, startRawServer } from './support.js';

const loop = loopback(
  {
    models: {
      resets: { tokens: ['par', 'tial', ' never'], faults: { resetAfterTokens: 2 } },
      ends: { tokens: ['par', 'tial', ' never'], faults: { endAfterTokens: 2 } },
      slow: { tokens: ['one ', 'two ', 'three ', 'four'], tokenDelayMs: 30 },
    },
  },
  { model: 'slow' },
);

describe('connection faults', () => {
  it('connection refused: network, no status, nothing received', async () => {
    const gone = await startRawServer();
    await gone.close();
    const refused = new OllamaClient({ host: gone.url, model: 'm' });
    const error = await ollamaError(refused.generate$('x'));
    expectFailure(error, { kind: 'network', partialText: '' });
    expect(error.message).toContain('ECONNREFUSED');
    await expectNothingLeftBehind(loop);
    await refused.close();
  });

  it('reset before headers: network, and the socket is gone on both ends', async () => {
    const raw = await startRawServer((socket) => afterRequestHead(socket, () => socket.resetAndDestroy()));
    const reset = new OllamaClient({ host: raw.url, model: 'm' });
    const error = await ollamaError(reset.generate$('x'));
    expectFailure(error, { kind: 'network', partialText: '' });
    expect(error.message).toMatch(/reset|closed/);
    await expectNothingLeftBehind({ server: loop.server, raw: [raw] });
    await reset.close();
    await raw.close();
  });

  it('reset mid-body: network, keeping the text received before it', async () => {
    const { values, error } = await settle(loop.client.generate$('x', { model: 'resets' }));
    expect(texts(values)).toBe('partial');
    expectFailure(error, { kind: 'network', partialText: 'partial' });
    await expectNothingLeftBehind(loop);
  });

  it('server closes mid-body without a done line: protocol, keeping the partial text', async () => {
    const { values, error } = await settle(loop.client.generate$('x', { model: 'ends' }));
    expect(texts(values)).toBe('partial');
    expectFailure(error, { kind: 'protocol', partialText: 'partial' });
    expect((error as Error).message).toContain('ended before its final line');
    await expectNothingLeftBehind(loop);
  });

  it('connect timeout: a handshake that never completes fails with phase connect', async () => {
    // TLS to a server that accepts TCP but never answers the ClientHello: the connect phase can
    // only end by its timeout, on any machine.
    const silent = await startRawServer();
    const stuck = new OllamaClient({ host: `https://127.0.0.1:${silent.port}`, model: 'm', timeouts: { connect: 30 } });
    const error = await ollamaError(stuck.generate$('x'));
    expectFailure(error, { kind: 'timeout', phase: 'connect', partialText: '' });
    expect(error.message).toContain('timeout');
    await expectNothingLeftBehind({ server: loop.server, raw: [silent] });
    await stuck.close();
    await silent.close();
  });

  it('client.close() while streams run: each fails as network with its partial text; new requests fail', async () => {
    const closing = new OllamaClient({ host: loop.server.url, model: 'slow' });
    const runs = [0, 1, 2].map(() => settle(closing.generate$('x')));
    const seen = loop.server.requests.length;
    await loop.server.until(() => loop.server.requests.length === seen + 3);
    await new Promise((resolve) => setTimeout(resolve, 45));
    await closing.close();
    for (const { values, error } of await Promise.all(runs)) {
      expectFailure(error, { kind: 'network', partialText: texts(values) });
      expect((error as Error).message).toContain('closed');
    }
    const after = await ollamaError(closing.generate$('x'));
    expect(after).toMatchObject({ kind: 'network', partialText: '' });
    expect(loop.server.requests.length).toBe(seen + 3);
    await expectNothingLeftBehind(loop);
  });
});
