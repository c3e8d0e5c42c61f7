import { OllamaClient } from '../client/client.js';
import { type RequestOptions } from '../core/options.js';
import { parseHost } from '../config/host.js';

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
  // Keyed by the resolved URL: 'gpu-box' and 'http://gpu-box:11434' share one pool.
  const host = parseHost(options.host);
  let client = sharedClients.get(host);
  if (!client) {
    client = new OllamaClient({ host });
    sharedClients.set(host, client);
  }
  return client;
}

/**
 * Closes the shared clients that `fromOllama` created. Their idle sockets do not keep a process
 * alive, so this is for tests and orderly shutdowns.
 *
 * @example
 * afterAll(() => closeSharedClients());
 */
export async function closeSharedClients(): Promise<void> {
  const clients = [...sharedClients.values()];
  sharedClients.clear();
  await Promise.all(clients.map((client) => client.close()));
}
