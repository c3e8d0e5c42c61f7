import type { Transport, TransportOptions } from './transport.js';
import { createUndiciTransport } from './undici.js';

/** The transport of this platform: undici on Node. The browser build swaps in `platform.browser`. */
export function createPlatformTransport(options: TransportOptions): Transport {
  return createUndiciTransport(options);
}
