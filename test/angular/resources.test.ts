// structuredResource and generateResource in Angular's real injector (zoneless, no DOM) against the loopback test server.
import type { EnvironmentInjector, WritableSignal } from '@angular/core';
import * as t from 'io-ts';
import type { TestServer } from '../../src/testing/server/index.js';
import { type Bundle, angularSuite } from './angular.js';
import { until } from './until.js';

const CITY = ['{"name"', ':"Pa', 'ris","population"', ':2100000', ',"tags":["old"', ',"big"]}'];
const WORDS = Array.from({ length: 12 }, (_, i) => `w${i} `);

const suite = angularSuite({
  city: { tokens: CITY, tokenDelayMs: 10 },
  slow: { tokens: WORDS, tokenDelayMs: 15 },
  broken: { tokens: ['{"a":'], faults: { errorAfterTokens: 1 } },
});
let ng: Bundle;
let server: TestServer;
beforeAll(() => ({ ng, server } = suite));

const environment = (model: string) => suite.withModel(model);
const lastRequest = (model: string) => suite.lastRequest(model);

describe('structuredResource', () => {
  const City = t.type({ name: t.string, population: t.number, tags: t.array(t.string) });
  const format = { type: 'object', properties: { name: { type: 'string' } } };

  test('value grows with the answer (partialJson), the decoded value at the end; status follows', async () => {
    const city = ng.structuredResource({ format, codec: City, injector: environment('city'), system: 'JSON only.' });
    expect([city.status(), city.value()]).toEqual(['ready', undefined]);
    const seen: unknown[] = [];
    city.submit('Describe Paris');
    expect(city.status()).toBe('submitted');
    await until(() => (seen.push(city.value()), city.status() === 'ready'));
    expect(city.value()).toEqual({ name: 'Paris', population: 2100000, tags: ['old', 'big'] });
    expect(seen).toContainEqual({ name: 'Pa' });
    expect(lastRequest('city').body).toMatchObject({
      format,
      messages: [
        { role: 'system', content: 'JSON only.' },
        { role: 'user', content: 'Describe Paris' },
      ],
    });
  });

  test('stop() aborts (the server sees it) and keeps the value so far; an error goes to error()', async () => {
    const city = ng.structuredResource({ format, injector: environment('city') });
    city.submit('Describe Paris');
    await until(() => (city.value() as { name?: string } | undefined)?.name !== undefined);
    city.stop();
    expect(city.status()).toBe('ready');
    const request = lastRequest('city');
    await server.until(() => request.disconnectedAt !== undefined);
    expect(city.value()).toMatchObject({ name: expect.any(String) });
    const broken = ng.structuredResource({ format, injector: environment('broken') });
    broken.submit('x');
    await until(() => broken.status() === 'error');
    expect(broken.error()).toBeInstanceOf(ng.OllamaError);
  });
});

describe('generateResource', () => {
  /** Flushes Angular's scheduled effects (rxResource loads from one) while waiting. */
  const ticking = (injector: EnvironmentInjector, predicate: () => boolean) =>
    until(() => {
      injector.get(ng.ApplicationRef).tick();
      return predicate();
    });

  test('value() is the text so far; undefined params leave it idle; a new request aborts the running one', async () => {
    const injector = environment('slow');
    const topic: WritableSignal<string | undefined> = ng.signal<string | undefined>(undefined);
    const poem = ng.runInInjectionContext(injector, () => ng.generateResource(() => topic()));
    await ticking(injector, () => true);
    expect(poem.status()).toBe('idle');
    topic.set('first');
    await ticking(injector, () => (poem.value() ?? '').length >= 6);
    expect(poem.value()).toMatch(/^w0 w1 /);
    const first = lastRequest('slow');
    topic.set('second');
    await server.until(() => first.disconnectedAt !== undefined);
    // A stream resource is 'resolved' from its first value on: the whole text marks the end.
    await ticking(injector, () => poem.value() === WORDS.join(''));
    expect(poem.status()).toBe('resolved');
    expect(lastRequest('slow').body).toMatchObject({ prompt: 'second' });
  });

  test('destroying the injector aborts the request', async () => {
    const injector = environment('slow');
    const poem = ng.generateResource(() => ({ prompt: 'a poem' }), { injector });
    await ticking(injector, () => (poem.value() ?? '').length > 0);
    const request = lastRequest('slow');
    injector.destroy();
    await server.until(() => request.disconnectedAt !== undefined);
  });
});
