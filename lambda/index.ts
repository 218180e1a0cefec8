import type { GetEventStreamCommandOutput } from '@aws-sdk/client-customer-profiles';
import { describeStackStatus, fetchEventStream } from './aws';
import { log, redactEvent } from './log';
import { Clock, Outcome, Pacing, Progress, RollbackProbe, runLookup } from './lookup';
import { QueueMemory, queueMemory, rememberedQueueMs, requestSignedAt, spreadMs, stormClock } from './pacing';
import { subject } from './reasons';
import { Envelope, InvalidRequestError, parseSpec, readEnvelope } from './request';
import { CfnResponse, httpPut, putResponse, renderBody } from './respond';
import { connectAhead, discardConnection } from './response-connection';
import { checkRollback, deniedGateReason, rollbackFallback } from './rollback';
import { HANDLER_TIMING } from './timing';
import { LookupSpec } from '../src/wire/properties';
import { decodeStormPlan, lookupBudgetSeconds, STORM_PLAN_ENV, StormPlan } from '../src/wire/storm';
import { TIMING } from '../src/wire/timing';

/**
 * Entry point: parses the event, runs the lookup under a time guard, and answers CloudFormation
 * exactly once, whatever happens. It never throws and never rejects.
 */

/** The part of the Lambda context this handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** The handler's one source of time: the lookup's waits, the time guard and the response PUT. */
export interface HandlerClock extends Clock {
  /** Calls `fn` once `ms` have passed; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** Side effects, replaceable in tests (which run on a virtual clock). */
export const external = {
  fetch: fetchEventStream,
  stackStatus: describeStackStatus,
  put: httpPut,
  /** The response's connection, opened while a call is in flight (lambda/response-connection.ts). */
  connectAhead,
  discardConnection,
  clock: {
    now: () => Date.now(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    after: (ms: number, fn: () => void) => {
      const timer = setTimeout(fn, ms);
      return () => clearTimeout(timer);
    },
  } as HandlerClock,
  /** Jitter: the storm spread and the retries' backoff. */
  random: () => Math.random(),
};

/**
 * The execution environment's own state. Only its first invocation spreads its first call over the
 * whole storm: a storm starts with as many cold environments as lookups. A warm one takes lookups
 * one after another (a concurrency limit queued them): it spreads its first call only over the
 * throttling its previous lookup met (`queue`, lambda/pacing.ts), so that it does not join a queue
 * of calls the rate limit cannot serve yet.
 */
export const container: { warm: boolean; queue?: QueueMemory } = { warm: false };

/** Used when the context gives no remaining time (never in Lambda). */
const DEFAULT_REMAINING_MS = (TIMING.checkBudgetSeconds + TIMING.functionMarginSeconds) * 1000;

export async function handler(event: unknown, context?: LambdaContext): Promise<void> {
  const startedAt = external.clock.now();
  const coldStart = !container.warm;
  container.warm = true;
  const lambdaDeadline = startedAt + remainingMillis(context);
  const envelope = readEnvelope(event);
  log('request', { event: redactEvent(event) });
  if (envelope.responseUrl === undefined) {
    log('the event has no ResponseURL: there is no one to answer');
    return;
  }
  let outcome: Outcome;
  try {
    outcome = await decide(envelope, envelope.responseUrl, lambdaDeadline, coldStart);
  } catch (error) {
    const reason = error instanceof InvalidRequestError ? error.message : `unexpected error in the lookup handler: ${String(error)}`;
    outcome = { status: 'FAILED', reason };
  }
  const response = toResponse(envelope, outcome);
  log('response', { Status: response.Status, Reason: response.Reason, PhysicalResourceId: response.PhysicalResourceId });
  // Leave the PUT whatever time remains, but finish before Lambda freezes the process.
  const { put, clock } = external;
  const transport = { put, now: clock.now, sleep: clock.sleep };
  await putResponse(envelope.responseUrl, renderBody(response), lambdaDeadline - HANDLER_TIMING.putFreezeMarginMs, log, transport);
  external.discardConnection(); // one the PUT did not take (it answered on its own connection)
}

async function decide(envelope: Envelope, responseUrl: string, lambdaDeadline: number, coldStart: boolean): Promise<Outcome> {
  const plan = decodeStormPlan(process.env[STORM_PLAN_ENV]);
  switch (envelope.requestType) {
    case 'Delete':
      // A lookup owns nothing, so Delete calls nothing: it cannot fail a deletion or a rollback.
      return { status: 'SUCCESS', reason: 'nothing to delete: a lookup owns no resources' };
    case 'Create': {
      const spec = parseSpec(envelope.resourceProperties, process.env.AWS_REGION);
      const denied = await gatePrecondition(spec, envelope.stackId);
      return denied ? { status: 'FAILED', reason: denied } : guardedLookup(spec, responseUrl, lambdaDeadline, plan, coldStart);
    }
    case 'Update':
      // A rollback is an Update with the previous properties: it may ask whether it is one.
      return guardedLookup(parseSpec(envelope.resourceProperties, process.env.AWS_REGION), responseUrl, lambdaDeadline, plan, coldStart, envelope);
    default:
      return {
        status: 'FAILED',
        reason: `unknown RequestType ${JSON.stringify(envelope.requestType).slice(0, 40)}: expected Create, Update or Delete.`,
      };
  }
}

/**
 * A gated Create asks DescribeStacks once (as its Updates will) and fails if that is denied, so that a
 * gate that later Updates would skip cannot go unnoticed (lambda/rollback.ts, `deniedGateReason`).
 */
async function gatePrecondition(spec: LookupSpec, stackId: string): Promise<string | undefined> {
  if (spec.requiredState === undefined && !spec.requireHealthyDestination && spec.waitSeconds === 0) {
    return undefined;
  }
  const quick = new AbortController();
  const cancel = external.clock.after(HANDLER_TIMING.guardRollbackCheckMs, () => quick.abort());
  try {
    const check = await checkRollback(() => external.stackStatus(stackId, quick.signal));
    log('stack status', { check });
    return deniedGateReason(spec, stackId, check);
  } finally {
    cancel();
  }
}

/**
 * Runs the lookup, but answers before its budget or the Lambda's remaining time runs out: FAILED,
 * or for a rollback (or an Update that could not tell) SUCCESS with what it has.
 */
async function guardedLookup(
  spec: LookupSpec,
  responseUrl: string,
  lambdaDeadline: number,
  plan: StormPlan,
  coldStart: boolean,
  update?: Envelope,
): Promise<Outcome> {
  const { clock: time } = external;
  const start = time.now();
  const { guardReserveMaxMs, guardReserveMinMs, guardReserveShare } = HANDLER_TIMING;
  const reserve = Math.min(guardReserveMaxMs, Math.max(guardReserveMinMs, (lambdaDeadline - start) * guardReserveShare));
  // The wait, the storm and one check (src/budget.ts), but never past the Lambda's own time.
  const budgetMs = lookupBudgetSeconds(spec.waitSeconds, plan) * 1000;
  const deadline = Math.min(start + budgetMs, lambdaDeadline - reserve);
  // Throttling may go on past the budget while the Lambda's time (the function's Timeout is sized
  // with a margin above the longest budget: src/timeouts.ts) still holds a call and the answer; no
  // further than that margin, so a lookup answers within its own ServiceTimeout even in a stack
  // whose longest wait sized the Timeout.
  const throttleDeadline = Math.min(start + budgetMs + TIMING.functionMarginSeconds * 1000, lambdaDeadline) - reserve; // never before `deadline`: the reserve is below the margin
  const stormTime = stormClock(requestSignedAt(responseUrl), start);
  const storm = coldStart ? stormTime : undefined;
  const remembered = coldStart ? 0 : rememberedQueueMs(plan, container.queue, start, stormTime);
  const pacing: Pacing = {
    startDelayMs: storm ? spreadMs(plan, external.random(), storm.lateMs) : Math.floor(external.random() * remembered),
    // A last call that hangs until its request timeout still ends before the guard fires.
    retryForMs: Math.max(0, deadline - start - Math.min(HANDLER_TIMING.retryHeadroomMs, (deadline - start) / 2)),
    throttleRetryForMs: Math.max(0, throttleDeadline - start - Math.min(HANDLER_TIMING.lastCallMs, (throttleDeadline - start) / 2)),
    storm,
    rememberedQueueMs: remembered,
    random: external.random,
    plan,
  };
  log('pacing', {
    lookupsInStack: plan.lookups,
    plannedRate: plan.rate,
    startDelayMs: pacing.startDelayMs,
    lateInStormMs: stormTime.lateMs,
    rememberedQueueMs: remembered,
    retryForMs: pacing.retryForMs,
    throttleRetryForMs: pacing.throttleRetryForMs,
  });
  const controller = new AbortController();
  const progress: Progress = { checks: 0 };
  let cancelTimer = () => {};
  let guardFired = false;
  /** DescribeStacks on the event's stack, cancelled by `signal`. */
  const readRollback = (signal: AbortSignal) =>
    checkRollback(() => external.stackStatus(update!.stackId, signal)).then((check) => {
      log('stack status', { check });
      return check;
    });
  const rollback: RollbackProbe | undefined = update && {
    physicalResourceId: update.physicalResourceId,
    check: () => {
      progress.rollback = { kind: 'unknown', error: 'DescribeStacks did not answer in time' }; // until it answers
      return readRollback(controller.signal);
    },
  };
  // Giving up on an Update that never got to ask (an API that never answers): ask now, briefly,
  // within the reserve, so that a rollback still answers SUCCESS.
  const giveUp = async (): Promise<Outcome> => {
    const reason = timeoutReason(spec, progress, time.now() - start);
    if (update && progress.rollback === undefined) {
      const quick = new AbortController();
      const cancelLimit = time.after(Math.min(HANDLER_TIMING.guardRollbackCheckMs, reserve / 2), () => quick.abort());
      progress.rollback = await readRollback(quick.signal);
      cancelLimit();
    }
    return progress.rollback !== undefined && progress.rollback.kind !== 'forward'
      ? { status: 'SUCCESS', ...rollbackFallback(spec, update!.physicalResourceId, progress.rollback, reason) } // only an Update asks
      : { status: 'FAILED', reason };
  };
  const timeout = new Promise<Outcome>((resolve) => {
    const fire = () => {
      // Throttled at the budget's end: the lookup retries on until the Lambda's time runs short.
      if (progress.throttling && time.now() < throttleDeadline) {
        cancelTimer = time.after(throttleDeadline - time.now(), fire);
        return;
      }
      guardFired = true; // the lookup halts now; its call in flight is cancelled once the answer is decided
      void giveUp().then(resolve);
    };
    cancelTimer = time.after(Math.max(0, deadline - time.now()), fire);
  });
  // Once the guard has answered, the lookup halts at its next pause or call: a warm environment
  // resumes pending timers in its next invocation, and a stray call would spend the account's rate.
  const halted = () => guardFired;
  const clock: Clock = {
    now: time.now,
    sleep: (ms) => (halted() ? never() : time.sleep(ms)),
  };
  // The first call opens the response's connection too: most lookups make one call, and their PUT
  // finds it ready. Not the retries: in a storm they would open one per throttled call.
  let connectedAhead = false;
  const fetch = (s: LookupSpec) => {
    if (halted()) {
      return never<GetEventStreamCommandOutput>();
    }
    if (!connectedAhead) {
      connectedAhead = true;
      external.connectAhead(responseUrl);
    }
    return external.fetch(s, controller.signal);
  };
  try {
    return await Promise.race([runLookup(spec, fetch, clock, progress, rollback, pacing), timeout]);
  } finally {
    cancelTimer();
    controller.abort(); // cancels an SDK call still in flight
    container.queue = queueMemory(progress.firstThrottleAt, time.now());
  }
}

/** A promise that never settles: what a halted lookup waits on. */
function never<T = void>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

function timeoutReason(spec: LookupSpec, progress: Progress, elapsedMs: number): string {
  const seen = progress.lastSeen
    ? `last seen: ${progress.lastSeen}`
    : progress.lastError
      ? `last error: ${progress.lastError}`
      : 'Customer Profiles never answered GetEventStream';
  const throttled = progress.throttles ? `, throttled ${progress.throttles} times` : '';
  return `gave up on ${subject(spec)} after ${Math.round(elapsedMs / 1000)}s (${progress.checks} checks${throttled}); ${seen}. Check the function's network access to Customer Profiles and the service's health, then retry the deployment.`;
}

function toResponse(envelope: Envelope, outcome: Outcome): CfnResponse {
  return {
    Status: outcome.status,
    Reason: outcome.reason,
    PhysicalResourceId: outcome.physicalResourceId || envelope.physicalResourceId || fallbackPhysicalId(envelope),
    StackId: envelope.stackId,
    RequestId: envelope.requestId,
    LogicalResourceId: envelope.logicalResourceId,
    NoEcho: false,
    ...(outcome.data ? { Data: outcome.data } : {}),
  };
}

/** Never empty, stable for the resource: used by a failed Create and by events without an id. */
function fallbackPhysicalId(envelope: Envelope): string {
  return `EventStreamLookup:${envelope.logicalResourceId.slice(0, 200) || 'unknown'}`;
}

function remainingMillis(context: LambdaContext | undefined): number {
  try {
    // Stryker disable next-line OptionalChaining: without `?.` a missing context throws, and the catch gives the same default
    const remaining = Number(context?.getRemainingTimeInMillis());
    return Number.isFinite(remaining) && remaining > 0 ? remaining : DEFAULT_REMAINING_MS;
  } catch {
    return DEFAULT_REMAINING_MS;
  }
}
