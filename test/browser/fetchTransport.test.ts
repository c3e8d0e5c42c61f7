// The browser build is the Node build with uploads/platform.js replaced by platform.browser.js.
// Make the same swap here and run the whole fromOllama suite again, over Node's global fetch,
// against the test server: the browser gets the same abort, timeout and error behaviour because it
// runs the same code (http/request.ts) with only the transport changed.
jest.mock('../../src/uploads/platform.js', () => jest.requireActual('../../src/uploads/platform.browser.js'));
jest.mock('undici', () => {
  throw new Error('the browser build must not load undici');
});

const fetchSpy = jest.spyOn(globalThis, 'fetch');

describe('over the fetch transport', () => {
  require('../sources/fromOllama.test');

  it('sent every request through fetch', () => {
    expect(fetchSpy).toHaveBeenCalled();
    expect(fetchSpy.mock.calls.map(([url]) => new URL(String(url)).pathname)).toContain('/api/generate');
  });
});
