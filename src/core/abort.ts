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
