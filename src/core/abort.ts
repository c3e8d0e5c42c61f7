import { Observable, type ObservableInput, from } from 'rxjs';

/**
 * `work` — an Observable, or a Promise such as one of the client's calls — given an `AbortSignal`
 * that is aborted when the subscriber unsubscribes before it has completed, or when it fails: the
 * request or tool behind it stops at once, and a rejection that follows is dropped, never unhandled.
 * A signal whose work completed is left alone, so the work may hand it on to something that outlives it.
 *
 * @example
 * withAbortSignal((signal) => client.show('llama3.2', { signal })).subscribe((description) => console.log(description));
 */
export function withAbortSignal<T>(work: (signal: AbortSignal) => ObservableInput<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let completed = false;
    const subscription = from(work(controller.signal)).subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => {
        controller.abort();
        subscriber.error(error);
      },
      complete: () => {
        completed = true;
        subscriber.complete();
      },
    });
    return () => {
      subscription.unsubscribe();
      if (!completed) controller.abort();
    };
  });
}

/** The caller's `signal` ends the whole run, between requests too, with the signal's reason. */
export function withCallerSignal<T>(source: Observable<T>, signal: AbortSignal | undefined): Observable<T> {
  if (!signal) return source;
  return new Observable<T>((subscriber) => {
    if (signal.aborted) return subscriber.error(signal.reason);
    const stopWatching = onAbort(signal, () => subscriber.error(signal.reason));
    const subscription = source.subscribe(subscriber);
    return () => {
      stopWatching();
      subscription.unsubscribe();
    };
  });
}

/** Both signals as one: ours for unsubscribing, the caller's for its own cancellation. */
export function joinSignals(ours: AbortSignal, caller: AbortSignal | undefined): AbortSignal {
  return caller ? AbortSignal.any([ours, caller]) : ours;
}

const abortCallbacks = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` when `signal` aborts, through one listener per signal however many requests
 * share it: every running request of a client watches its close (and may share a caller's signal),
 * and Node warns of a leak past ten listeners on one signal.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let callbacks = abortCallbacks.get(signal);
  if (!callbacks) {
    const all = (callbacks = new Set());
    abortCallbacks.set(signal, all);
    signal.addEventListener('abort', () => all.forEach((call) => call()), { once: true });
  }
  callbacks.add(callback);
  return () => callbacks.delete(callback);
}
