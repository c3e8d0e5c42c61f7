import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** A file to upload, read from disk twice — to hash it, then to send it — and never held whole in memory. */
export interface FileSource {
  /** `sha256:<hex>` of the file's bytes, as Ollama names blobs. */
  digest: string;
  size: number;
  /** The file's bytes, read as they are sent; aborting `signal` closes the file. */
  read(signal: AbortSignal): AsyncIterable<Uint8Array>;
}

/** Reads `path` once to learn its digest; the bytes are read again only when the blob must be uploaded. */
export async function readFileSource(path: string, signal?: AbortSignal): Promise<FileSource> {
  const { size } = await stat(path);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return {
    digest: `sha256:${hash.digest('hex')}`,
    size,
    // Opened at the first read, not before: an upload aborted before it starts opens no file.
    read: (readSignal) =>
      (async function* () {
        yield* createReadStream(path, { signal: readSignal }) as AsyncIterable<Buffer>;
      })(),
  };
}
