import type { Observable } from 'rxjs';
import { OllamaConfigError } from '../config.js';
import { preview } from '../protocol/report.js';
import type { BlobSource, CreateRequest } from '../types.js';
import type { StreamSpec } from './stream.js';

/** Sends one request of the client (the blobs endpoints take no generation timeouts). */
export type Exchange = <T>(spec: StreamSpec<T>) => Observable<T>;

/** An already uploaded blob, named by its digest, goes to Ollama as it is. */
const isDigest = (value: BlobSource): value is string => typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);

export type BlobField = 'files' | 'adapters' | 'draft_files';
const BLOB_FIELDS: readonly BlobField[] = ['files', 'adapters', 'draft_files'];

/** The files `create$` must upload, checked before anything is sent. */
export function blobsOf(request: CreateRequest): { field: BlobField; name: string; source: BlobSource }[] {
  if (typeof request !== 'object' || request === null) throw new OllamaConfigError('Invalid ollama-rx create request: expected an object');
  const blobs = [];
  for (const field of BLOB_FIELDS) {
    const files: unknown = request[field];
    if (files === undefined) continue;
    if (typeof files !== 'object' || files === null || Array.isArray(files)) {
      throw new OllamaConfigError(`Invalid ollama-rx create request: ${field} must map file names to paths or bytes`);
    }
    for (const [name, source] of Object.entries(files)) {
      if (!(typeof source === 'string' && source) && !(source instanceof Uint8Array)) {
        throw new OllamaConfigError(`Invalid ollama-rx create request: ${field}.${name} must be a file path or bytes (Uint8Array), got ${preview(source)}`);
      }
      if (!isDigest(source)) blobs.push({ field, name, source });
    }
  }
  return blobs;
}

/** The request as Ollama takes it: every uploaded file named by its digest. */
export function withDigests(request: CreateRequest, digests: Partial<Record<BlobField, Record<string, string>>>): object {
  const body: Record<string, unknown> = { ...request };
  for (const field of BLOB_FIELDS) if (digests[field]) body[field] = { ...request[field], ...digests[field] };
  return body;
}

