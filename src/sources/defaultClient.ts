import { OllamaClient, type RequestOptions } from '../client.js';

/** Options of the standalone sources: a per-call client choice on top of per-call settings. */
export interface SourceOptions extends RequestOptions {
  /** The client whose pool and settings to use. Default: one shared client per host. */
  client?: OllamaClient;
  /** Ollama's URL (read like `OLLAMA_HOST`) when no `client` is given. */
  host?: string;
}

const sharedClients = new Map<string, OllamaClient>();

/**
 * The client a standalone source uses: the given one, or a lazily created shared one per host, so
 * that `fromOllama` calls share keep-alive connections without the caller managing a client.
 */
export function resolveClient(options: SourceOptions): OllamaClient {
  if (options.client) return options.client;
  const key = options.host ?? '';
  let client = sharedClients.get(key);
  if (!client) {
    client = new OllamaClient(options.host === undefined ? {} : { host: options.host });
    sharedClients.set(key, client);
  }
  return client;
}

/** Closes the shared clients that `fromOllama` created (their sockets are unref'd anyway). */
export async function closeSharedClients(): Promise<void> {
  const clients = [...sharedClients.values()];
  sharedClients.clear();
  await Promise.all(clients.map((client) => client.close()));
}
