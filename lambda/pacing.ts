import { StormPlan, stormSeconds } from '../src/wire/storm';

/**
 * How a cold invocation paces its first call within its stack's storm.
 */

/** Delay before a cold invocation's first call: uniform over the storm, so a storm does not start in lockstep. */
export function spreadMs(plan: StormPlan, random: number): number {
  return Math.floor(Math.min(1, Math.max(0, random)) * stormSeconds(plan) * 1000);
}
