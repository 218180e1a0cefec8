import { TIMING } from './timing';

/**
 * A stack's lookups under the account's GetEventStream rate limit: what the construct tells the
 * function (the storm plan, in its environment) and the arithmetic both sides do with it.
 *
 * CloudFormation creates a stack's independent resources in parallel, so the lookups of a stack call
 * GetEventStream within the same seconds, against one rate limit per account and region, shared by
 * every stack and tool. The first `burst` calls pass at once; the rest pass at `requestsPerSecond`.
 */

/** An API rate limit: a token bucket that refills at `requestsPerSecond` and holds `burst` tokens. */
export interface ApiRate {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** The rate planned for unless told otherwise: 5 GetEventStream calls per second, burst 10. */
export const DOCUMENTED_RATE: ApiRate = { requestsPerSecond: 5, burst: 10 };

/**
 * Context key that replaces the planned rate (`"50/10"`, or `{ "requestsPerSecond": 50, "burst": 10 }`),
 * for an account with a raised quota; public as `EventStreamLookup.API_RATE_CONTEXT_KEY`, and named
 * by the handler's Reason when throttling outlasts a lookup's budget.
 */
export const API_RATE_CONTEXT_KEY = 'cdk-event-stream-lookup:api-rate';

/** What the function learns of its stack: the lookups and the planned rate. */
export interface StormPlan {
  /** Lookups served by the function, all of which may call at once. */
  readonly lookups: number;
  readonly rate: ApiRate;
}

/** Name of the environment variable that carries the plan to the function. */
export const STORM_PLAN_ENV = 'EVENT_STREAM_LOOKUP_STORM';

/**
 * Seconds the rate limit needs to let every lookup's first call through: `(N - burst) / rate`,
 * rounded up, 0 while the burst covers them all.
 */
export function stormSeconds(plan: StormPlan): number {
  return Math.ceil(Math.max(0, plan.lookups - plan.rate.burst) / plan.rate.requestsPerSecond);
}

/** What one lookup may spend from its invocation's start: its wait, the storm, one check. */
export function lookupBudgetSeconds(waitSeconds: number, plan: StormPlan): number {
  return waitSeconds + stormSeconds(plan) + TIMING.checkBudgetSeconds;
}

/** The plan as the function's environment carries it. */
export function encodeStormPlan(plan: StormPlan): string {
  return JSON.stringify({ lookups: plan.lookups, rate: plan.rate.requestsPerSecond, burst: plan.rate.burst });
}

/** Reads the plan from the environment; anything missing or malformed means one lookup at the documented rate. */
export function decodeStormPlan(text: string | undefined): StormPlan {
  const fallback: StormPlan = { lookups: 1, rate: DOCUMENTED_RATE };
  try {
    // `String(undefined)` is the word `undefined`, which does not parse either.
    const json = JSON.parse(String(text));
    const { lookups, rate, burst } = json ?? {};
    return positive(lookups) && positive(rate) && positive(burst)
      ? { lookups: Math.floor(lookups), rate: { requestsPerSecond: rate, burst: Math.floor(burst) } }
      : fallback;
  } catch {
    return fallback;
  }
}

/** A finite number above 0 (`Number.isFinite` is false for anything but a number). */
export function positive(value: unknown): value is number {
  return Number.isFinite(value) && (value as number) > 0;
}
