import { Subject, takeUntil } from 'rxjs';
import { OllamaClient } from '../../../src/client/client.js';
import { texts } from '../../helpers.js';
import { eventually, expectNothingLeftBehind, loopback, startRawServer } from './support.js';

const loop = loopback({
  models: {
    loading: { tokens: ['late'], loadDelayMs: 60_000 },
    slow: { tokens: ['a', 'b', 'c', 'd', 'e', 'f'], tokenDelayMs: 20 },
  },
});

/** Unsubscribing is not an error: the observer hears nothing after it. */
function observe<T>() {
  const seen = { values: [] as T[], error: undefined as unknown, completed: false };
  return {
    seen,
    observer: {
      next: (value: T) => void seen.values.push(value),
      error: (error: unknown) => void (seen.error = error),
      complete: () => void (seen.completed = true),
    },
  };
}

describe('unsubscribing', () => {
  it('while connecting: nothing reaches the subscriber or the server; the handshake ends at the connect timeout', async () => {
    // TLS to a server that never answers the handshake keeps the request in its connect phase.
    // undici ignores an abort until the request has a socket: the request is dropped at once, but
    // the handshake goes on until the connect timeout (cutting it sooner would make undici drop the
    // client from its pool while it can still open sockets, so the pool would outgrow maxConnections).
    const silent = await startRawServer();
    const stuck = new OllamaClient({ host: `https://127.0.0.1:${silent.port}`, model: 'm', timeouts: { connect: 100 } });
    const { seen, observer } = observe();
    const subscription = stuck.generate$('x').subscribe(observer);
    await eventually(() => expect(silent.accepted).toBe(1));
    subscription.unsubscribe();
    await expectNothingLeftBehind({ server: loop.server, raw: [silent] });
    expect(seen).toEqual({ values: [], error: undefined, completed: false });
    await stuck.close();
    await silent.close();
  });

  it('while the model loads and no header has arrived: the server sees the disconnect', async () => {
    const { seen, observer } = observe();
    const subscription = loop.client.generate$('x', { model: 'loading' }).subscribe(observer);
    await loop.server.until(() => loop.server.requests.at(-1)?.body?.model === 'loading');
    subscription.unsubscribe();
    await loop.server.until(() => loop.server.requests.at(-1)!.disconnectedAt);
    expect(seen).toEqual({ values: [], error: undefined, completed: false });
    await expectNothingLeftBehind(loop);
  });

  it('mid-body: the server sees the disconnect before the answer is finished', async () => {
    const { seen, observer } = observe<{ text: string }>();
    const stop = new Subject<void>();
    loop.client
      .generate$('x', { model: 'slow' })
      .pipe(takeUntil(stop))
      .subscribe({ ...observer, next: (chunk) => (observer.next(chunk), chunk.text === 'b' && stop.next()) });
    await loop.server.until(() => loop.server.requests.at(-1)!.disconnectedAt);
    expect(loop.server.requests.at(-1)!.finishedAt).toBeUndefined();
    expect(texts(seen.values)).toBe('ab');
    expect(seen.error).toBeUndefined();
    await expectNothingLeftBehind(loop);
  });
});
