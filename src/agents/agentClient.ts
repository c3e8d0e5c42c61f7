import type { Observable } from 'rxjs';
import type { ChatChunk } from '../core/chunks.js';
import type { PullProgress } from '../core/models.js';
import type { LoadRequest, RequestOptions } from '../core/options.js';
import type { ChatRequest } from '../core/requests.js';

/**
 * What the tool loop and model readiness need of a client: `OllamaClient` implements it, and a test
 * may pass anything that does. Keeping the agents on this interface, not the class, keeps them below
 * the client in the layers.
 */
export interface AgentClient {
  /** The model used when a request names none. */
  readonly model: string | undefined;
  chat$(request: ChatRequest, options?: RequestOptions): Observable<ChatChunk>;
  pull$(model: string | { model: string; insecure?: boolean }, options?: RequestOptions): Observable<PullProgress>;
  load(model: string | LoadRequest, options?: RequestOptions): Promise<void>;
  show(model: string, options?: RequestOptions): Promise<unknown>;
}
