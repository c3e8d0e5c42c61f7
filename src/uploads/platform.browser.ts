import { EMPTY } from 'rxjs';
import { OllamaConfigError } from '../core/errors.js';
import type { CreateRequest } from '../core/types.js';
import { createFetchTransport } from '../http/fetch.js';
import type { Transport, TransportOptions } from '../http/transport.js';

/** The transport of the browser build: `fetch` (the page's, or the one the client was given), which owns its own connections. */
export function createPlatformTransport(options: TransportOptions): Transport {
  return createFetchTransport(options.fetch);
}

/**
 * Uploading a model's files is Node's job (they are gigabytes on disk); keeping it out of the
 * browser build keeps every page's bundle small. A browser names files by digests already uploaded.
 */
export function createUploads(request: CreateRequest) {
  for (const field of ['files', 'adapters', 'draft_files'] as const) {
    for (const [name, value] of Object.entries(request?.[field] ?? {})) {
      if (typeof value !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(value)) {
        throw new OllamaConfigError(
          `Invalid ollama-rx create request: ${field}.${name}: files are uploaded from Node only; in a browser, name each file by the sha256 digest of a blob already uploaded`,
        );
      }
    }
  }
  return () => ({ progress$: EMPTY, request: () => request });
}
