import { AccessDeniedException, GetEventStreamCommandOutput, ResourceNotFoundException, ThrottlingException } from '@aws-sdk/client-customer-profiles';
import { Clock, FetchStream, Pacing, Progress, RollbackProbe, retryBackoffMs, runLookup, statsOf, unmetRequirements } from '../../lambda/lookup';
import { RollbackCheck, ROLLBACK_STATUS } from '../../lambda/rollback';
import { HANDLER_TIMING } from '../../lambda/timing';
import { LookupAttributes } from '../../src/wire/attributes';
import { LookupSpec } from '../../src/wire/properties';
import { lookupSpec, runningStream, stoppedStream, STREAM_ARN } from '../fixtures/events';

/**
 * The pure core, on a virtual clock: `now()` only moves when the lookup sleeps, so every pause and
 * every budget is asserted exactly, without wall-clock time.
 */

const spec = lookupSpec();
const SUBJECT = "event stream 'orders' in domain 'retail-profiles' (us-east-1)";
const ROLLBACK: RollbackCheck = { kind: 'rollback', status: ROLLBACK_STATUS };

class VirtualClock implements Clock {
  public time = 0;
  public readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

function pacing(overrides: Partial<Pacing> = {}): Pacing {
  return {
    startDelayMs: 0,
    retryForMs: 30_000,
    throttleRetryForMs: 0,
    rememberedQueueMs: 0,
    plan: { lookups: 1, rate: { requestsPerSecond: 5, burst: 10 } },
    random: () => 0,
    ...overrides,
  };
}

/** A fetch that answers (or throws) each of `answers` in turn, and the last one from then on. */
function scripted(...answers: Array<GetEventStreamCommandOutput | Error>): FetchStream & { calls: number } {
  const fetch = Object.assign(async () => {
    const answer = answers[Math.min(fetch.calls, answers.length - 1)];
    fetch.calls++;
    if (answer instanceof Error) {
      throw answer;
    }
    return answer;
  }, { calls: 0 });
  return fetch;
}

/** A rollback probe that answers `check` and counts how often it was asked. */
function probe(check: RollbackCheck, physicalResourceId?: string): RollbackProbe & { asked: number } {
  const result = {
    physicalResourceId,
    asked: 0,
    check: async () => {
      result.asked++;
      return check;
    },
  };
  return result;
}

const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
const denied = () => new AccessDeniedException({ message: 'not authorized', $metadata: { httpStatusCode: 403 } });
const notFound = () => new ResourceNotFoundException({ message: 'Event stream not found', $metadata: { httpStatusCode: 404 } });

describe('runLookup', () => {
  test('failIfMissing: false forgives a missing stream, not any other error', async () => {
    const lenient = { ...spec, failIfMissing: false };
    const missing = await runLookup(lenient, scripted(notFound()), new VirtualClock(), { checks: 0 }, undefined, pacing());
    expect(missing).toMatchObject({ status: 'SUCCESS', physicalResourceId: 'missing:us-east-1:retail-profiles/orders', data: { Exists: 'false' } });
    const outcome = await runLookup(lenient, scripted(denied()), new VirtualClock(), { checks: 0 }, undefined, pacing());
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toMatch(/^access denied reading /);
  });

  test('a fatal error is not counted as a transient one', async () => {
    const progress: Progress = { checks: 0 };
    await runLookup(spec, scripted(denied()), new VirtualClock(), progress, undefined, pacing());
    expect(progress).toEqual({ checks: 1 });
  });

  test('a transient error is retried while the budget allows the next call: a pause that ends on the budget is one too many', async () => {
    const pause = retryBackoffMs(1, 0);
    const atBudget = scripted(throttle());
    const outcome = await runLookup(spec, atBudget, new VirtualClock(), { checks: 0 }, undefined, pacing({ retryForMs: pause }));
    expect(atBudget.calls).toBe(1);
    expect(outcome).toMatchObject({ status: 'FAILED', reason: expect.stringContaining(`throttled GetEventStream for ${SUBJECT} 1 times`) });

    const justInside = scripted(throttle());
    await runLookup(spec, justInside, new VirtualClock(), { checks: 0 }, undefined, pacing({ retryForMs: pause + 1 }));
    expect(justInside.calls).toBe(2);
  });

  test('an Update asks whether it is part of a rollback once, however often it checks', async () => {
    const forward = probe({ kind: 'forward', status: 'UPDATE_IN_PROGRESS' });
    const waiting = { ...spec, requiredState: 'RUNNING' as const, waitSeconds: 5 };
    const fetch = scripted(stoppedStream(), stoppedStream(), throttle(), stoppedStream(), runningStream());
    const outcome = await runLookup(waiting, fetch, new VirtualClock(), { checks: 0 }, forward, pacing());
    expect(outcome.status).toBe('SUCCESS');
    expect(fetch.calls).toBe(5);
    expect(forward.asked).toBe(1);
  });

  test('a rollback retries transient errors with the usual backoff, cut to what is left of its own budget', async () => {
    const rollback = probe(ROLLBACK, STREAM_ARN);
    const clock = new VirtualClock();
    const outcome = await runLookup(spec, scripted(throttle()), clock, { checks: 0 }, rollback, pacing({ random: () => 0.999 }));
    // floor(0.999 * 250 * 2^(n-1)), at most 5 s ... until the 15 s run out: 15000 - 12736 = 2264.
    expect(clock.sleeps).toEqual([249, 499, 999, 1998, 3996, 4995, 2264]);
    expect(clock.time).toBe(HANDLER_TIMING.rollbackRetryMs);
    expect(outcome).toMatchObject({ status: 'SUCCESS', physicalResourceId: STREAM_ARN, data: { EventStreamArn: STREAM_ARN, Exists: 'true' } });
    expect(rollback.asked).toBe(1);
  });

  test('a rollback already known (from the time guard) needs no probe: it answers without a physical id', async () => {
    const progress: Progress = { checks: 0, rollback: ROLLBACK };
    const outcome = await runLookup(spec, scripted(denied()), new VirtualClock(), progress, undefined, pacing());
    expect(outcome).toMatchObject({ status: 'SUCCESS', physicalResourceId: undefined, data: { EventStreamArn: '', Exists: 'false' } });
    expect(outcome.reason).toContain('AccessDeniedException: not authorized');
  });

  test('unmet requirements after a wait: how long, how many checks, and to wait longer', async () => {
    const waiting = { ...spec, requiredState: 'RUNNING' as const, waitSeconds: 2 };
    const clock = new VirtualClock();
    const outcome = await runLookup(waiting, scripted(stoppedStream()), clock, { checks: 0 }, undefined, pacing());
    expect(clock.sleeps).toEqual([1_000, 1_000]);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.reason).toContain(`${SUBJECT} does not meet the deployment's requirements after waiting 2s (3 checks): required state RUNNING, found STOPPED`);
    expect(outcome.reason).toMatch(/\. Fix the stream or its destination, then deploy again, or wait longer with a larger waitTimeout\.$/);
  });

  test('unmet requirements without a wait: to set waitTimeout', async () => {
    const outcome = await runLookup({ ...spec, requiredState: 'RUNNING' }, scripted(stoppedStream()), new VirtualClock(), { checks: 0 }, undefined, pacing());
    expect(outcome.reason).toContain(`${SUBJECT} does not meet the deployment's requirements: required state RUNNING`);
    expect(outcome.reason).toMatch(/\. Fix the stream or its destination, then deploy again, or set waitTimeout to wait for it\.$/);
  });
});

describe('statsOf', () => {
  test('no transient error yet: zeros', () => {
    expect(statsOf({ checks: 3 }, 5_000)).toEqual({ transientErrors: 0, throttles: 0, overMs: 0, lastError: undefined });
  });

  test('from the first transient error to now', () => {
    const progress: Progress = { checks: 4, transientErrors: 3, throttles: 2, firstTransientAt: 1_000, lastDetail: 'ThrottlingException: Rate exceeded' };
    expect(statsOf(progress, 5_000)).toEqual({ transientErrors: 3, throttles: 2, overMs: 4_000, lastError: 'ThrottlingException: Rate exceeded' });
  });
});

describe('unmetRequirements', () => {
  const attributes = (overrides: Partial<LookupAttributes>): LookupAttributes => ({
    EventStreamArn: STREAM_ARN,
    Uri: '',
    State: 'RUNNING',
    DestinationStatus: 'HEALTHY',
    DestinationMessage: '',
    CreatedAt: '',
    StoppedSince: '',
    UnhealthySince: '',
    Exists: 'true',
    DomainName: 'retail-profiles',
    EventStreamName: 'orders',
    Region: 'us-east-1',
    ...overrides,
  });
  const strict: LookupSpec = { ...spec, requiredState: 'RUNNING', requireHealthyDestination: true };

  test('none when the stream meets them', () => {
    expect(unmetRequirements(strict, attributes({}))).toEqual([]);
  });

  test('none when nothing is required', () => {
    expect(unmetRequirements(spec, attributes({ State: 'STOPPED', DestinationStatus: 'UNHEALTHY' }))).toEqual([]);
  });

  test('the state: found, since when, or none', () => {
    expect(unmetRequirements(strict, attributes({ State: 'STOPPED' }))).toEqual(['required state RUNNING, found STOPPED']);
    expect(unmetRequirements(strict, attributes({ State: 'STOPPED', StoppedSince: '2026-11-30T08:00:00.000Z' }))).toEqual([
      'required state RUNNING, found STOPPED (stopped since 2026-11-30T08:00:00.000Z)',
    ]);
    expect(unmetRequirements(strict, attributes({ State: '' }))).toEqual(['required state RUNNING, found no state']);
  });

  test('the destination: its status, since when, and its message, or no status', () => {
    expect(unmetRequirements(strict, attributes({ DestinationStatus: 'UNHEALTHY' }))).toEqual(['required a HEALTHY destination, found UNHEALTHY']);
    expect(unmetRequirements(strict, attributes({
      DestinationStatus: 'UNHEALTHY',
      UnhealthySince: '2026-11-30T07:55:00.000Z',
      DestinationMessage: 'AccessDenied on PutRecords',
    }))).toEqual(['required a HEALTHY destination, found UNHEALTHY since 2026-11-30T07:55:00.000Z: AccessDenied on PutRecords']);
    expect(unmetRequirements(strict, attributes({ DestinationStatus: '' }))).toEqual(['required a HEALTHY destination, found no status']);
  });

  test('both, in order', () => {
    expect(unmetRequirements(strict, attributes({ State: 'STOPPED', DestinationStatus: 'UNHEALTHY' }))).toEqual([
      'required state RUNNING, found STOPPED',
      'required a HEALTHY destination, found UNHEALTHY',
    ]);
  });
});
