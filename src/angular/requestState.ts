import { signal } from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import { messageOf } from '../core/describe.js';

/** Where a request of a resource stands: `submitted` is sent with no token yet. */
export type ResourceStatus = 'ready' | 'submitted' | 'streaming' | 'error';

/** A resource's one request at a time, its status and error as signals; a new run stops the running one. */
export class RequestState {
  readonly status = signal<ResourceStatus>('ready');
  readonly error = signal<Error | undefined>(undefined);
  private running: Subscription | undefined;

  /** Subscribes to `source` (after stopping the running request): `'submitted'` at once, `'ready'` or `'error'` at its end. */
  run<T>(source: Observable<T>, next: (value: T) => void): void {
    this.stop();
    this.error.set(undefined);
    this.status.set('submitted');
    this.running = source.subscribe({
      next,
      error: (failure: unknown) => {
        this.running = undefined;
        this.error.set(failure instanceof Error ? failure : new Error(messageOf(failure)));
        this.status.set('error');
      },
      complete: () => {
        this.running = undefined;
        this.status.set('ready');
      },
    });
  }

  /** The first token (text or thinking) arrived. */
  started(): void {
    if (this.status() === 'submitted') this.status.set('streaming');
  }

  /** Aborts the running request and forgets its error: status `'ready'`. */
  reset(): void {
    this.stop();
    this.error.set(undefined);
    this.status.set('ready');
  }

  /** Aborts the running request; status `'ready'` at once. */
  stop(): void {
    this.running?.unsubscribe();
    this.running = undefined;
    if (this.status() === 'submitted' || this.status() === 'streaming') this.status.set('ready');
  }
}
