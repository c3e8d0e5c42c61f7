import { createFetchTransport } from './fetch.js';
import type { Transport, TransportOptions } from './transport.js';

/** The transport of the browser build: `fetch`, which owns its own connections. */
export function createPlatformTransport(_options: TransportOptions): Transport {
  return createFetchTransport();
}
