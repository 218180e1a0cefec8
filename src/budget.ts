/**
 * The time budget of a stack's lookups under the account's GetEventStream rate limit, defined once:
 * the construct sizes the function's timeout and each lookup's ServiceTimeout with it, the handler
 * bounds its retries and spreads its first call with it, the rehearsal and the bench check it.
 * Pure functions of plain numbers; internal (not exported from the package entry point).
 *
 * CloudFormation creates a stack's independent resources in parallel, so the lookups of a stack call
 * GetEventStream within the same seconds, against one rate limit per account and region, shared by
 * every stack and tool. The first `burst` calls pass at once; the rest pass at `requestsPerSecond`.
 */
import { TIMING } from './contract';

/** An API rate limit: a token bucket that refills at `requestsPerSecond` and holds `burst` tokens. */
export interface ApiRate {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** The rate the budget plans for unless told otherwise: 5 GetEventStream calls per second, burst 10. */
export const DOCUMENTED_RATE: ApiRate = { requestsPerSecond: 5, burst: 10 };

/**
 * Context key that replaces the planned rate (`"50/10"`, or `{ "requestsPerSecond": 50, "burst": 10 }`),
 * for an account with a raised quota; public as `EventStreamLookup.API_RATE_CONTEXT_KEY`.
 */
export const API_RATE_CONTEXT_KEY = 'cdk-event-stream-lookup:api-rate';

/** Concurrent Lambda executions a new account may run: beyond this many lookups, invocations queue. */
export const MIN_ACCOUNT_CONCURRENCY = 10;

/**
 * Longest interval between Lambda's retries of a throttled asynchronous invocation (CloudFormation
 * invokes custom-resource functions asynchronously; Lambda retries throttled events from 1 s up to 5 min).
 */
export const LAMBDA_ASYNC_RETRY_MAX_SECONDS = 300;

/** CloudFormation's bound on a custom resource's ServiceTimeout. */
export const SERVICE_TIMEOUT_MAX_SECONDS = 3600;

/** What the function learns of its stack (rendered into its environment): the lookups and the planned rate. */
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

/** Function timeout before the Lambda maximum caps it: the longest lookup budget plus a margin. */
export function requiredFunctionTimeoutSeconds(longestWaitSeconds: number, plan: StormPlan): number {
  return lookupBudgetSeconds(longestWaitSeconds, plan) + TIMING.functionMarginSeconds;
}

/** The function's timeout: `longest wait + storm + check + margin`, at most Lambda's 900 s. */
export function functionTimeoutSeconds(longestWaitSeconds: number, plan: StormPlan): number {
  return Math.min(TIMING.lambdaMaxSeconds, requiredFunctionTimeoutSeconds(longestWaitSeconds, plan));
}

/**
 * Time a lookup's invocation may spend queued before it runs: none while every lookup fits the
 * concurrency of a new account; beyond, the storm (the queue drains no faster than the API rate)
 * plus the longest interval at which Lambda retries a throttled asynchronous invocation.
 */
export function queueSeconds(plan: StormPlan): number {
  return plan.lookups > MIN_ACCOUNT_CONCURRENCY ? stormSeconds(plan) + LAMBDA_ASYNC_RETRY_MAX_SECONDS : 0;
}

/** A lookup's ServiceTimeout: `queue + wait + storm + check + margin`, at most CloudFormation's 3600 s. */
export function serviceTimeoutSeconds(waitSeconds: number, plan: StormPlan): number {
  return Math.min(SERVICE_TIMEOUT_MAX_SECONDS, queueSeconds(plan) + lookupBudgetSeconds(waitSeconds, plan) + TIMING.serviceMarginSeconds);
}

/**
 * Why the stack's lookups cannot all finish within Lambda's maximum, or undefined when they can.
 * Worded for a synth-time warning: what, why, and what to do.
 */
export function budgetWarning(longestWaitSeconds: number, plan: StormPlan): string | undefined {
  const needed = requiredFunctionTimeoutSeconds(longestWaitSeconds, plan);
  if (needed <= TIMING.lambdaMaxSeconds) {
    return undefined;
  }
  const { requestsPerSecond, burst } = plan.rate;
  return (
    `EventStreamLookup: ${plan.lookups} lookups at ${requestsPerSecond} GetEventStream calls/s (burst ${burst}) need ${stormSeconds(plan)}s ` +
    `to pass the rate limit${longestWaitSeconds > 0 ? `, plus the longest waitTimeout of ${longestWaitSeconds}s` : ''}, ${TIMING.checkBudgetSeconds}s for a check ` +
    `and a ${TIMING.functionMarginSeconds}s margin: ${needed}s, more than Lambda's ${TIMING.lambdaMaxSeconds}s. The function times out at ` +
    `${TIMING.lambdaMaxSeconds}s and lookups still throttled then fail. Spread the lookups over more stacks, shorten waitTimeout, ` +
    `or set the context value ${API_RATE_CONTEXT_KEY} to a higher quota granted to the account.`
  );
}

/** Delay before a cold invocation's first call: uniform over the storm, so a storm does not start in lockstep. */
export function spreadMs(plan: StormPlan, random: number): number {
  return Math.floor(Math.min(1, Math.max(0, random)) * stormSeconds(plan) * 1000);
}

/** The plan as the function's environment carries it. */
export function renderStormPlan(plan: StormPlan): string {
  return JSON.stringify({ lookups: plan.lookups, rate: plan.rate.requestsPerSecond, burst: plan.rate.burst });
}

/** Reads the plan from the environment; anything missing or malformed means one lookup at the documented rate. */
export function parseStormPlan(text: string | undefined): StormPlan {
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

/** The planned rate from a context value (`"50/10"` or an object), or the documented one; throws on nonsense. */
export function parseApiRate(value: unknown): ApiRate {
  if (value === undefined) {
    return DOCUMENTED_RATE;
  }
  // `Object()` of anything but an object (a number, null) has neither field, so it is reported below.
  const fields: Record<string, unknown> = typeof value === 'string' ? rateFields(value) : Object(value);
  const requestsPerSecond = Number(fields.requestsPerSecond);
  const burst = Number(fields.burst);
  if (!positive(requestsPerSecond) || !positive(burst)) {
    throw invalidRate(value);
  }
  return { requestsPerSecond, burst: Math.floor(burst) };
}

/** `"R/B"` as the object form's fields. */
function rateFields(text: string): Record<string, unknown> {
  const parts = text.split('/');
  if (parts.length !== 2) {
    throw invalidRate(text);
  }
  return { requestsPerSecond: parts[0], burst: parts[1] };
}

function invalidRate(value: unknown): Error {
  return new Error(
    `EventStreamLookup: invalid context value ${API_RATE_CONTEXT_KEY}=${JSON.stringify(value)}: expected "REQUESTS_PER_SECOND/BURST" such as "5/10", both positive.`,
  );
}

/** A finite number above 0 (`Number.isFinite` is false for anything but a number). */
function positive(value: unknown): value is number {
  return Number.isFinite(value) && (value as number) > 0;
}
