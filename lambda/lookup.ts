import type { GetEventStreamCommandOutput } from '@aws-sdk/client-customer-profiles';
import { describeStream, missingAttributes, missingPhysicalId, streamPhysicalId, toAttributes } from './attributes';
import { queueAheadMs, StormClock } from './pacing';
import { classifyError, Failure, retriesReason, RetryStats, subject } from './reasons';

import { RollbackCheck, rollbackFallback, rollbackFoundReason } from './rollback';
import { HANDLER_TIMING } from './timing';
import { LookupAttributes } from '../src/wire/attributes';
import { LookupSpec } from '../src/wire/properties';
import { StormPlan } from '../src/wire/storm';

/**
 * The pure core: spec -> GetEventStream -> attributes, or a verdict on why the deployment must fail.
 * The API call, the clock and sleeping come in as parameters, so every branch is testable.
 */

/** Calls GetEventStream for the spec (the caller owns clients, credentials and cancellation). */
export type FetchStream = (spec: LookupSpec) => Promise<GetEventStreamCommandOutput>;

/** Time as the lookup sees it. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What the lookup has seen so far; read by the time guard when it has to give up. */
export interface Progress {
  checks: number;
  lastSeen?: string;
  lastError?: string;
  /** Set once an Update has asked whether it is part of a rollback. */
  rollback?: RollbackCheck;
  /** The last call was throttled (so the time guard lets the lookup retry on, within the Lambda's time). */
  throttling?: boolean;
  /** Transient errors (throttling, 5xx, timeouts) so far, of which throttling, and when the first one came. */
  transientErrors?: number;
  throttles?: number;
  firstTransientAt?: number;
  /** When the first throttled call came (what a warm environment remembers: lambda/pacing.ts). */
  firstThrottleAt?: number;
  /** The last transient error, as `Name: message`. */
  lastDetail?: string;
}

/** How a lookup paces its calls: the storm spread before the first, the retry budget, the jitter. */
export interface Pacing {
  /** Delay before the first call, spreading a storm's first calls (0 when warm or alone). */
  readonly startDelayMs: number;
  /** Transient errors are retried until this long after the lookup started (the spread included)... */
  readonly retryForMs: number;
  /** ...throttling until this long (the Lambda's time, less the last call and the answer; never less than `retryForMs`). */
  readonly throttleRetryForMs: number;
  /**
   * A cold invocation's place in its stack's storm: a throttled retry is spread over what is left
   * of it (the queue ahead, lambda/pacing.ts), not only over a capped exponential backoff. None for a
   * warm one, which is not in the storm's start (a concurrency limit queued it): see `rememberedQueueMs`.
   */
  readonly storm?: StormClock;
  /** A warm one spreads its throttled retries over the throttling its environment's last lookup met (0: none; lambda/pacing.ts). */
  readonly rememberedQueueMs: number;
  /** The stack's lookups and the planned rate, for the Reason. */
  readonly plan: StormPlan;
  /** A uniform random number in [0, 1). */
  random(): number;
}

/**
 * Capped full-jitter exponential backoff before the n-th retry of a transient error; a throttled
 * retry in a storm spreads over at least the queue ahead of it (`queueAheadMs`), so the storm's
 * retries arrive at the rate the limit serves, whatever the cap.
 */
export function retryBackoffMs(retry: number, random: number, queueMs = 0): number {
  const { retryBackoffBaseMs, retryBackoffMaxMs, retryBackoffMinMs } = HANDLER_TIMING;
  const ceiling = Math.max(queueMs, Math.min(retryBackoffMaxMs, retryBackoffBaseMs * 2 ** Math.min(30, retry - 1)));
  return Math.max(retryBackoffMinMs, Math.floor(random * ceiling));
}

/** How an Update tells whether it is part of a rollback (absent for Create: a Create is never one). */
export interface RollbackProbe {
  /** The id the resource has now; kept when a rollback cannot read the stream. */
  readonly physicalResourceId?: string;
  /** Asked at most once, when a check is about to fail or wait. */
  check(): Promise<RollbackCheck>;
}

/**
 * The handler's verdict for CloudFormation, before it is shaped into a response. A lookup's SUCCESS
 * carries the stream's physical id and attributes; a Delete's carries neither (the resource keeps
 * the id it has).
 */
export type Outcome =
  | { readonly status: 'SUCCESS'; readonly reason: string; readonly physicalResourceId?: string; readonly data?: LookupAttributes }
  | { readonly status: 'FAILED'; readonly reason: string; readonly physicalResourceId?: undefined; readonly data?: undefined };

/** Backoff between checks while waiting: 1 s, doubling, at most 30 s. */
export function backoffMs(check: number): number {
  const { waitBackoffFirstMs, waitBackoffMaxMs } = HANDLER_TIMING;
  return Math.min(waitBackoffMaxMs, waitBackoffFirstMs * 2 ** (check - 1));
}

/**
 * Looks the stream up, polling until its requirements hold or the wait runs out, and retrying
 * throttling, 5xx and timeouts with jittered backoff until its budget runs short. Before an Update
 * fails or waits, it asks `rollback` once: in a rollback it answers SUCCESS with what it can read,
 * retrying throttling and 5xx for at most `HANDLER_TIMING.rollbackRetryMs`.
 */
export async function runLookup(
  spec: LookupSpec,
  fetch: FetchStream,
  clock: Clock,
  progress: Progress,
  rollback: RollbackProbe | undefined,
  pacing: Pacing,
): Promise<Outcome> {
  const startedAt = clock.now();
  const retryUntil = startedAt + pacing.retryForMs;
  const throttleRetryUntil = startedAt + Math.max(pacing.retryForMs, pacing.throttleRetryForMs);
  if (pacing.startDelayMs > 0) {
    await clock.sleep(pacing.startDelayMs);
  }
  const firstCallAt = clock.now();
  const waitUntil = firstCallAt + spec.waitSeconds * 1000;
  const rollbackUntil = firstCallAt + HANDLER_TIMING.rollbackRetryMs;
  let retries = 0; // consecutive transient errors
  for (let check = 1; ; check++) {
    progress.checks = check;
    let data: LookupAttributes | undefined;
    let failure: Failure | undefined;
    let giveUp: () => string;
    try {
      data = toAttributes(spec, await fetch(spec));
      retries = 0;
      progress.throttling = false;
      progress.lastSeen = describeStream(data);
      const unmet = unmetRequirements(spec, data);
      if (unmet.length === 0) {
        const reason = `found ${subject(spec)}: ${data.State}, destination ${data.DestinationStatus}`;
        return { status: 'SUCCESS', physicalResourceId: streamPhysicalId(spec, data.EventStreamArn), data, reason };
      }
      giveUp = () => requirementsReason(spec, unmet, check, clock.now() - firstCallAt);
    } catch (error) {
      failure = classifyError(error, spec);
      if (failure.kind === 'missing' && !spec.failIfMissing) {
        const reason = `${subject(spec)} does not exist; deploying without it (failIfMissing: false)`;
        return { status: 'SUCCESS', physicalResourceId: missingPhysicalId(spec), data: missingAttributes(spec), reason };
      }
      if (failure.kind === 'transient') {
        retries++;
        progress.lastError = failure.reason;
        progress.transientErrors = (progress.transientErrors ?? 0) + 1;
        progress.throttles = (progress.throttles ?? 0) + (failure.throttled ? 1 : 0);
        progress.throttling = failure.throttled === true;
        progress.firstTransientAt ??= clock.now();
        if (failure.throttled) {
          progress.firstThrottleAt ??= clock.now();
        }
        progress.lastDetail = failure.detail;
      }
      const reason = failure.reason;
      giveUp = () => reason;
    }

    if (rollback && progress.rollback === undefined) {
      progress.rollback = await rollback.check();
    }
    if (progress.rollback !== undefined && progress.rollback.kind !== 'forward') {
      if (data) {
        const reason = rollbackFoundReason(spec, progress.rollback, describeStream(data));
        return { status: 'SUCCESS', physicalResourceId: streamPhysicalId(spec, data.EventStreamArn), data, reason };
      }
      const rollbackRemaining = rollbackUntil - clock.now();
      if (failure!.kind !== 'transient' || rollbackRemaining <= 0) { // no data: the call failed
        return { status: 'SUCCESS', ...rollbackFallback(spec, rollback?.physicalResourceId, progress.rollback, giveUp()) };
      }
      await clock.sleep(Math.min(retryBackoffMs(retries, pacing.random()), rollbackRemaining));
      continue;
    }

    if (failure && failure.kind !== 'transient') {
      return { status: 'FAILED', reason: failure.reason };
    }
    if (failure) {
      // Throttling, 5xx or a timeout: retried, with jitter, while the budget allows another call;
      // throttling, while the Lambda's time does, spread over the storm's queue ahead when cold.
      const now = clock.now();
      const queue = failure.throttled ? throttledQueueMs(pacing, now, retries) : 0;
      const pause = retryBackoffMs(retries, pacing.random(), queue);
      if (now + pause >= (failure.throttled ? throttleRetryUntil : retryUntil)) {
        return { status: 'FAILED', reason: retriesReason(spec, statsOf(progress, clock.now()), pacing.plan) };
      }
      await clock.sleep(pause);
      continue;
    }
    // Unmet requirements: check again while waiting.
    const remaining = waitUntil - clock.now();
    if (remaining <= 0) {
      return { status: 'FAILED', reason: giveUp() };
    }
    await clock.sleep(Math.min(backoffMs(check), remaining));
  }
}

/** The queue ahead of a throttled retry: what is left of the storm when cold, else what the environment remembers. */
function throttledQueueMs(pacing: Pacing, now: number, retry: number): number {
  return pacing.storm ? queueAheadMs(pacing.plan, pacing.storm, now, retry) : pacing.rememberedQueueMs;
}

/** The transient errors seen so far, for a Reason. */
export function statsOf(progress: Progress, now: number): RetryStats {
  return {
    transientErrors: progress.transientErrors ?? 0,
    throttles: progress.throttles ?? 0,
    overMs: progress.firstTransientAt === undefined ? 0 : now - progress.firstTransientAt,
    lastError: progress.lastDetail,
  };
}

/** The requirements the stream does not meet, each as a sentence fragment. */
export function unmetRequirements(spec: LookupSpec, data: LookupAttributes): string[] {
  const unmet: string[] = [];
  if (spec.requiredState && data.State !== spec.requiredState) {
    unmet.push(`required state ${spec.requiredState}, found ${data.State || 'no state'}${data.StoppedSince ? ` (stopped since ${data.StoppedSince})` : ''}`);
  }
  if (spec.requireHealthyDestination && data.DestinationStatus !== 'HEALTHY') {
    const since = data.UnhealthySince ? ` since ${data.UnhealthySince}` : '';
    const message = data.DestinationMessage ? `: ${data.DestinationMessage}` : '';
    unmet.push(`required a HEALTHY destination, found ${data.DestinationStatus || 'no status'}${since}${message}`);
  }
  return unmet;
}

function requirementsReason(spec: LookupSpec, unmet: string[], checks: number, waitedMs: number): string {
  const waited = spec.waitSeconds > 0 ? ` after waiting ${Math.round(waitedMs / 1000)}s (${checks} checks)` : '';
  const hint = spec.waitSeconds > 0
    ? 'Fix the stream or its destination, then deploy again, or wait longer with a larger waitTimeout.'
    : 'Fix the stream or its destination, then deploy again, or set waitTimeout to wait for it.';
  return `${subject(spec)} does not meet the deployment's requirements${waited}: ${unmet.join('; ')}. ${hint}`;
}
