import { API_RATE_CONTEXT_KEY, ApiRate, DOCUMENTED_RATE, lookupBudgetSeconds, positive, StormPlan, stormSeconds } from './wire/storm';
import { TIMING } from './wire/timing';

/**
 * The timeouts the construct renders for a stack's lookups under the account's GetEventStream rate
 * limit: the function's Timeout, each lookup's ServiceTimeout, and the warning when they cannot fit.
 * Pure functions of plain numbers; the arithmetic the handler shares is in ./wire/storm.ts.
 */

/** Concurrent Lambda executions a new account may run: beyond this many lookups, invocations queue. */
export const MIN_ACCOUNT_CONCURRENCY = 10;

/**
 * Longest interval between Lambda's retries of a throttled asynchronous invocation (CloudFormation
 * invokes custom-resource functions asynchronously; Lambda retries throttled events from 1 s up to 5 min).
 */
export const LAMBDA_ASYNC_RETRY_MAX_SECONDS = 300;

/** CloudFormation's bound on a custom resource's ServiceTimeout. */
export const SERVICE_TIMEOUT_MAX_SECONDS = 3600;

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
