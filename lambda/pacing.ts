import { HANDLER_TIMING } from './timing';
import { StormPlan, stormSeconds } from '../src/wire/storm';

/**
 * How an invocation paces its calls within its stack's storm. A cold one: its first call spread over
 * what is left of the storm since CloudFormation's request, its throttled retries over what is left
 * of it then. A warm one: both over the throttling its environment's last lookup met, while the
 * storm may still run.
 */

/** Where an invocation stands in its stack's storm (a cold one paces its calls by it; a warm one bounds its remembered queue by it). */
export interface StormClock {
  /** When the storm began: CloudFormation's request, or this invocation's start when that is unknown. */
  readonly startedAt: number;
  /** How long after the request this invocation started (0 when unknown). */
  readonly lateMs: number;
}

/**
 * When CloudFormation sent the request. The ResponseURL is an S3 URL that CloudFormation presigns
 * as it sends the event; SigV4's `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`, whole seconds) is when it signed.
 * Absent or malformed: unknown.
 */
export function requestSignedAt(responseUrl: string): number | undefined {
  const date = /[?&]X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:&|$)/.exec(responseUrl);
  return date ? Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]) : undefined;
}

/**
 * The storm's clock for an invocation that started at `startedAt`: from the request's signing time,
 * unless that is unknown or later than the invocation's start (clocks apart), then from the start.
 */
export function stormClock(signedAt: number | undefined, startedAt: number): StormClock {
  const from = Math.min(signedAt ?? startedAt, startedAt);
  return { startedAt: from, lateMs: startedAt - from };
}

/**
 * Delay before a cold invocation's first call: uniform over what is left of the storm, so a storm
 * does not start in lockstep; none for one that started late (`HANDLER_TIMING.stormLateStartMs`),
 * which the storm's start has spread already.
 */
export function spreadMs(plan: StormPlan, random: number, lateMs = 0): number {
  if (lateMs > HANDLER_TIMING.stormLateStartMs) {
    return 0;
  }
  return Math.floor(Math.min(1, Math.max(0, random)) * Math.max(0, stormSeconds(plan) * 1000 - lateMs));
}

/**
 * The time the rate limit still needs to let through the first calls still ahead of a cold
 * invocation throttled `retry` times in a row, at `now`: what is left of the storm counted from
 * CloudFormation's request, put off by a share of the invocation's lateness
 * (`HANDLER_TIMING.stormLateShare`: a late start says the storm's start was spread out). Throttled
 * again and again, it may be that the whole storm started late together: then the time grows, from
 * `stormRetryFirstMs` doubling, up to what is left of a storm counted from the invocation's own start.
 */
export function queueAheadMs(plan: StormPlan, storm: StormClock, now: number, retry: number): number {
  const stormMs = stormSeconds(plan) * 1000;
  const fromRequest = stormMs + HANDLER_TIMING.stormLateShare * storm.lateMs - (now - storm.startedAt);
  const fromOwnStart = stormMs + storm.lateMs - (now - storm.startedAt);
  const growing = HANDLER_TIMING.stormRetryFirstMs * 2 ** Math.min(30, Math.max(0, retry - 1));
  return Math.max(0, fromRequest, Math.min(fromOwnStart, growing));
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
 * throttled retries spread over it instead of joining a queue the rate limit cannot serve yet. Past
 * what is left of the storm counted from the request (`storm`), over half of it: there a spread
 * mostly delays the last lookups while they hold their execution slots. Never over more than a
 * whole storm. Nothing remembered, or longer ago than a whole storm: none.
 */
export function rememberedQueueMs(plan: StormPlan, memory: QueueMemory | undefined, now: number, storm: StormClock): number {
  const stormMs = stormSeconds(plan) * 1000;
  if (memory === undefined || now - memory.endedAt > stormMs) {
    return 0;
  }
  const stormLeftMs = stormMs - (now - storm.startedAt);
  return Math.min(memory.waitedMs, stormMs, Math.max(memory.waitedMs / 2, stormLeftMs));
}

/** What a lookup leaves its environment: the time from its first throttled call to its end, if it was throttled. */
export function queueMemory(firstThrottledAt: number | undefined, endedAt: number): QueueMemory | undefined {
  return firstThrottledAt === undefined ? undefined : { waitedMs: endedAt - firstThrottledAt, endedAt };
}
