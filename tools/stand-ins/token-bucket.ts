import { ApiRate } from '../../src/wire/storm';

/** An account's rate limit for an API: the construct's `ApiRate`, a bucket of `burst` tokens refilled at `requestsPerSecond`. */
export type RateLimit = ApiRate;

/**
 * The token bucket by which the service throttles an account's calls: full at first, refilled
 * continuously; a call without a token is throttled and takes none. `now` (ms) is the clock: real
 * for the stand-in, virtual for the storm model (tools/bench/storm-model.ts).
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(public readonly limit: RateLimit, private readonly now: () => number) {
    this.tokens = limit.burst;
    this.at = now();
  }

  /** Takes a token, refilled for the time since the last call; false when there is none. */
  public take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) / 1000) * this.limit.requestsPerSecond);
    this.at = now;
    if (this.tokens < 1) {
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}
