import { createFetchTransport } from '../http/fetch.js';
import type { Transport, TransportOptions } from '../http/transport.js';
import { createUndiciTransport } from '../http/undici.js';
export { createUploads } from './blobs.js';

/** The transport of this platform: undici on Node, or the `fetch` the client was given. The browser build swaps in `platform.browser`. */
export function createPlatformTransport(options: TransportOptions): Transport {
  return options.fetch ? createFetchTransport(options.fetch, options.dispatcher) : createUndiciTransport(options);
}
