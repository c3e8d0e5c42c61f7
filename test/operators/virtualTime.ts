import { type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

/** A TestScheduler whose marble assertions are jest's `toEqual` (so asymmetric matchers work). */
export const marbles = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/**
 * `scheduler`, counting the timers that are scheduled and have neither run nor been cancelled, so a
 * test can prove that teardown releases every timer.
 */
export function trackTimers(scheduler: SchedulerLike): SchedulerLike & { readonly live: number } {
  const live = new Set<Subscription>();
  return {
    now: () => scheduler.now(),
    schedule<S>(work: (this: SchedulerAction<S>, state?: S) => void, delay?: number, state?: S): Subscription {
      const subscription: Subscription = scheduler.schedule<S>(
        function (this: SchedulerAction<S>, value?: S) {
          live.delete(subscription);
          work.call(this, value);
        },
        delay,
        state,
      );
      live.add(subscription);
      subscription.add(() => live.delete(subscription));
      return subscription;
    },
    get live() {
      return live.size;
    },
  };
}
