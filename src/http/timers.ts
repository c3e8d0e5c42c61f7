import type { Timeouts } from '../core/options.js';
import { OllamaError, type TimeoutPhase } from '../core/errors.js';

/** setTimeout fires at once for delays above 2^31-1 ms, so larger limits mean "no limit". */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Node may fire a timer up to a millisecond early. */
const TIMER_SLACK_MS = 1;

const now = () => performance.now();

function limit(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 && ms <= MAX_TIMER_MS ? ms : undefined;
}

/**
 * The first-token, idle and total deadlines of one request. Chunks only record a timestamp; the
 * gap timer is re-armed lazily when it fires, so a fast stream costs no timer churn per chunk.
 */
export class PhaseTimers {
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private totalTimer: ReturnType<typeof setTimeout> | undefined;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private lastChunkAt = 0;
  private sawChunk = false;
  private readonly firstToken: number | undefined;
  private readonly idle: number | undefined;
  private readonly total: number | undefined;

  constructor(
    timeouts: Timeouts,
    private readonly onTimeout: (error: OllamaError) => void,
  ) {
    this.firstToken = limit(timeouts.firstToken);
    this.idle = limit(timeouts.idle);
    this.total = limit(timeouts.total);
  }

  start(): void {
    this.startedAt = now();
    if (this.firstToken !== undefined) {
      this.gapTimer = setTimeout(() => this.expire('firstToken', this.firstToken!), this.firstToken);
    }
    if (this.total !== undefined) {
      this.totalTimer = setTimeout(() => this.expire('total', this.total!), this.total);
    }
  }

  chunk(): void {
    if (this.sawChunk) {
      // Only the idle limit needs the time of the last chunk: without one, no clock is read per read.
      if (this.idle !== undefined) this.lastChunkAt = now();
      return;
    }
    this.sawChunk = true;
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    if (this.idle !== undefined) {
      this.lastChunkAt = now();
      this.armIdle(this.idle);
    }
  }

  stop(): void {
    clearTimeout(this.gapTimer);
    clearTimeout(this.totalTimer);
    clearTimeout(this.settleTimer);
    this.gapTimer = this.totalTimer = this.settleTimer = undefined;
  }

  /**
   * Replaces the deadlines by one call of `onSettle` after `ms`, or sooner when a phase limit would
   * have expired first: `total` always, the first-token or idle gap too with `gapsToo`. For the
   * end of an exchange whose outcome is already known (the done line, an error status), where
   * waiting longer could only delay it, never change it.
   */
  settleWithin(ms: number, onSettle: () => void, gapsToo = false): void {
    const at = now();
    let left = ms;
    if (this.total !== undefined) left = Math.min(left, this.startedAt + this.total - at);
    if (gapsToo && !this.sawChunk && this.firstToken !== undefined) left = Math.min(left, this.startedAt + this.firstToken - at);
    if (gapsToo && this.sawChunk && this.idle !== undefined) left = Math.min(left, this.lastChunkAt + this.idle - at);
    this.stop();
    this.settleTimer = setTimeout(onSettle, Math.max(0, left));
  }

  private armIdle(delay: number): void {
    this.gapTimer = setTimeout(() => {
      const quiet = now() - this.lastChunkAt;
      if (quiet + TIMER_SLACK_MS >= this.idle!) this.expire('idle', this.idle!);
      else this.armIdle(this.idle! - quiet);
    }, delay);
  }

  private expire(phase: TimeoutPhase, ms: number): void {
    this.stop();
    this.onTimeout(timeoutError(phase, ms));
  }
}

const PHASE_WORDS: Record<TimeoutPhase, string> = {
  connect: 'could not connect',
  firstToken: 'no first token',
  idle: 'no chunk',
  total: 'the stream did not finish',
};

export function timeoutError(phase: TimeoutPhase, ms: number | undefined, cause?: unknown): OllamaError {
  const within = ms === undefined ? '' : ` within ${ms} ms`;
  return new OllamaError('timeout', `timeout: ${PHASE_WORDS[phase]}${within} (${phase})`, { phase, cause });
}
