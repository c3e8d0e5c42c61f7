import { createFetchTransport } from './fetch.js';
import type { Transport, TransportOptions } from './transport.js';
import { createUndiciTransport } from './undici.js';
export { createUploads } from '../sources/blobs.js';

/** The transport of this platform: undici on Node, or the `fetch` the client was given. The browser build swaps in `platform.browser`. */
export function createPlatformTransport(options: TransportOptions): Transport {
  return options.fetch ? createFetchTransport(options.fetch, options.dispatcher) : createUndiciTransport(options);
}
