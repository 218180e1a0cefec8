import { StormPlan, stormSeconds } from '../src/wire/storm';

/**
 * How an invocation paces its calls within its stack's storm. A cold one: its first call spread over
 * the storm, its throttled retries over what is left of it. A warm one: both over the throttling its
 * environment's last lookup met, while the storm may still run.
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

/** What a warm environment remembers of its last lookup: how long throttling held it, and when it ended. */
export interface QueueMemory {
  readonly waitedMs: number;
  readonly endedAt: number;
}

/**
 * The queue a warm invocation expects ahead of it. A warm environment takes lookups one after another
 * (a concurrency limit queued them), so while its stack's storm may still run, the throttling that
 * held its last lookup is the best guess of the queue ahead of this one: its first call and its
 * throttled retries spread over it instead of joining a queue the rate limit cannot serve yet.
 * Nothing remembered, or longer ago than a whole storm: none.
 */
export function rememberedQueueMs(plan: StormPlan, memory: QueueMemory | undefined, now: number): number {
  const stormMs = stormSeconds(plan) * 1000;
  return memory === undefined || now - memory.endedAt > stormMs ? 0 : Math.min(memory.waitedMs, stormMs);
}

/** What a lookup leaves its environment: the time from its first throttled call to its end, if it was throttled. */
export function queueMemory(firstThrottledAt: number | undefined, endedAt: number): QueueMemory | undefined {
  return firstThrottledAt === undefined ? undefined : { waitedMs: endedAt - firstThrottledAt, endedAt };
}
