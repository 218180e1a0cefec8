import { StormPlan, stormSeconds } from '../src/wire/storm';

/**
 * How a cold invocation paces its calls within its stack's storm: its first call, spread over the
 * storm, and its throttled retries, spread over what is left of it.
 */

/** Delay before a cold invocation's first call: uniform over the storm, so a storm does not start in lockstep. */
export function spreadMs(plan: StormPlan, random: number): number {
  return Math.floor(Math.min(1, Math.max(0, random)) * stormSeconds(plan) * 1000);
}

/**
 * The time the rate limit still needs, `elapsedMs` into the storm, to let through the first calls
 * still ahead of a throttled one: the storm less what has passed, 0 once it is over. A cold
 * invocation started with the storm, so its own elapsed time is the storm's.
 */
export function queueAheadMs(plan: StormPlan, elapsedMs: number): number {
  return Math.max(0, stormSeconds(plan) * 1000 - Math.max(0, elapsedMs));
}
