import { Observable, catchError, concatMap, endWith, from, ignoreElements, of, throwError } from 'rxjs';
import { OllamaConfigError } from '../core/errors.js';
import { OllamaError } from '../core/errors.js';
import { readFileSource } from './files.js';
import type { RequestBody } from '../http/transport.js';
import type { BlobSource, CreateRequest, PullProgress } from '../core/types.js';
import { preview } from '../core/describe.js';
import type { Call } from '../http/request.js';

/** Sends one request of the client whose answer says nothing but its status. */
export type SendForStatus = (call: Call) => Observable<never>;

/** An already uploaded blob, named by its digest, goes to Ollama as it is. */
const isDigest = (value: BlobSource): value is string => typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);

type BlobField = 'files' | 'adapters' | 'draft_files';
const BLOB_FIELDS: readonly BlobField[] = ['files', 'adapters', 'draft_files'];

/** The files `create$` must upload, checked before anything is sent. */
function blobsOf(request: CreateRequest): { field: BlobField; name: string; source: BlobSource }[] {
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
        throw new OllamaConfigError(
          `Invalid ollama-rx create request: ${field}.${name} must be a file path or bytes (Uint8Array), got ${preview(source)}`,
        );
      }
      if (!isDigest(source)) blobs.push({ field, name, source });
    }
  }
  return blobs;
}

/** The request as Ollama takes it: every uploaded file named by its digest. */
function withDigests(request: CreateRequest, digests: Partial<Record<BlobField, Record<string, string>>>): object {
  const body: Record<string, unknown> = { ...request };
  for (const field of BLOB_FIELDS) if (digests[field]) body[field] = { ...request[field], ...digests[field] };
  return body;
}

/** A blob ready to upload: its name in Ollama and its bytes, read only if they must be sent. */
interface Blob {
  digest: string;
  size: number;
  read(signal: AbortSignal): Uint8Array | AsyncIterable<Uint8Array>;
}

/**
 * `create$`'s files, checked now (a wrong value throws `OllamaConfigError`); for each subscription,
 * the uploads of the files Ollama lacks, then the request naming every file by its digest.
 */
export function createUploads(request: CreateRequest) {
  const blobs = blobsOf(request);
  return (send: SendForStatus) => {
    const digests: Partial<Record<BlobField, Record<string, string>>> = {};
    const progress$ = from(blobs).pipe(
      concatMap(({ field, name, source }) => uploadBlob$(send, source, (digest) => ((digests[field] ??= {})[name] = digest))),
    );
    return { progress$, request: () => withDigests(request, digests) };
  };
}

/**
 * Uploads `source` as a blob unless Ollama already has it (`HEAD /api/blobs/<digest>` answers 200),
 * reporting `copying file <digest>` progress as the bytes go out; `onDigest` learns the blob's name
 * first. A file is streamed from disk, never held whole in memory. Unsubscribing aborts the upload.
 */
function uploadBlob$(send: SendForStatus, source: BlobSource, onDigest: (digest: string) => void): Observable<PullProgress> {
  return prepare$(source).pipe(
    concatMap((blob) => {
      onDigest(blob.digest);
      const path = `/api/blobs/${blob.digest}`;
      const line = (completed: number) => progressLine(blob, completed);
      const exists$ = send({ method: 'HEAD', path }).pipe(
        ignoreElements(),
        endWith(true),
        catchError((error: unknown) => (error instanceof OllamaError && error.statusCode === 404 ? of(false) : throwError(() => error))),
      );
      const upload$ = new Observable<PullProgress>((subscriber) => {
        let reported = -1;
        const report = (completed: number) => {
          // One line per whole percent: a 4 GB file would otherwise make 60 000 lines.
          const percent = blob.size ? Math.floor((completed / blob.size) * 100) : 100;
          if (percent === reported) return;
          reported = percent;
          subscriber.next(line(completed));
        };
        report(0);
        return send({ method: 'POST', path, contentType: 'application/octet-stream', body: () => counted(blob, report) }).subscribe({
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            report(blob.size);
            subscriber.complete();
          },
        });
      });
      return exists$.pipe(concatMap((exists) => (exists ? of(line(blob.size)) : upload$)));
    }),
  );
}

function progressLine(blob: Blob, completed: number): PullProgress {
  const percent = blob.size ? Math.min(100, (completed / blob.size) * 100) : 100;
  return { status: `copying file ${blob.digest}`, digest: blob.digest, total: blob.size, completed, percent };
}

/** The blob's digest: a file is read once to learn it (and again only to upload it), bytes are hashed as they are. */
function prepare$(source: BlobSource): Observable<Blob> {
  return new Observable<Blob>((subscriber) => {
    const abort = new AbortController();
    const prepared: Promise<Blob> =
      typeof source === 'string'
        ? readFileSource(source, abort.signal).catch((cause: unknown) => {
            if (cause instanceof OllamaConfigError) throw cause;
            // Node's errors may come from another realm (a test runner's), so not `instanceof Error`.
            const message = (cause as { message?: unknown } | undefined)?.message;
            const why = typeof message === 'string' ? message : String(cause);
            throw new OllamaConfigError(`Invalid ollama-rx create request: cannot read the file "${source}": ${why}`, { cause });
          })
        : sha256(source).then((digest) => ({ digest, size: source.byteLength, read: () => source }));
    prepared.then(
      (blob) => {
        subscriber.next(blob);
        subscriber.complete();
      },
      (error: unknown) => {
        if (!abort.signal.aborted) subscriber.error(error);
      },
    );
    return () => abort.abort();
  });
}

/**
 * The blob's bytes as a stream both transports send (fetch with `duplex: 'half'`), counted as the
 * transport pulls them; a file is opened only when the upload starts, and closed when the transport
 * cancels (an abort), not at garbage collection.
 */
function counted(blob: Blob, report: (completed: number) => void): RequestBody {
  const abort = new AbortController();
  const bytes = blob.read(abort.signal);
  if (bytes instanceof Uint8Array) return bytes;
  const chunks = bytes[Symbol.asyncIterator]();
  let completed = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) return controller.close();
      controller.enqueue(next.value);
      report((completed += next.value.byteLength));
    },
    async cancel() {
      abort.abort();
      await chunks.return?.();
    },
  });
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return `sha256:${Array.from(hash, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
