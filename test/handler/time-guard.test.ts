import { GetEventStreamCommand, InternalServerException, ThrottlingException } from '@aws-sdk/client-customer-profiles';
import { container, external, handler } from '../../lambda/index';
import { HANDLER_TIMING } from '../../lambda/timing';
import { encodeStormPlan, STORM_PLAN_ENV } from '../../src/wire/storm';
import { createEvent, runningStream, STREAM_ARN, stoppedStream, updateEvent } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

/**
 * The time guard, on the virtual clock: when GetEventStream never answers, the handler answers at
 * exactly the moment its budget (src/budget.ts) or the Lambda's remaining time less a reserve
 * allows, whichever comes first; the response PUT then has until 250 ms before Lambda freezes.
 */

const h = HandlerHarness.forEachTest();
const SUBJECT = "event stream 'orders' in domain 'retail-profiles' (us-east-1)";

beforeEach(() => {
  delete process.env[STORM_PLAN_ENV];
  container.warm = true; // warm: no storm spread unless a test asks for one
  h.profiles.on(GetEventStreamCommand).callsFake(() => h.hang());
});
afterAll(() => {
  delete process.env[STORM_PLAN_ENV];
  Object.assign(external, h.original);
});

/** The `pacing` log line of the last invocation. */
function pacingLog(): { startDelayMs: number; retryForMs: number } {
  const line = h.logs.map((l) => JSON.parse(l)).filter((entry) => entry.message === 'pacing').at(-1);
  expect(line).toBeDefined();
  return line;
}

describe('when GetEventStream never answers, the guard answers FAILED at exactly', () => {
  // reserve = min(10 s, max(1 s, remaining / 10)); deadline = min(budget, remaining - reserve);
  // retries end min(8 s, half the time) before the deadline, so a hanging last call still fits;
  // throttling is retried until min(budget + 30 s margin, remaining) - reserve, less min(2 s, half) for a last call.
  test.each([
    // remaining ms, WaitTimeoutSeconds, guard fires at, retries until, throttling retried until
    [60_000, undefined, 30_000, 22_000, 52_000], // the budget: one check (30 s); reserve 6 s is not needed
    [20_000, undefined, 18_000, 10_000, 16_000], // the Lambda's time less a 2 s reserve (a tenth)
    [5_000, undefined, 4_000, 2_000, 2_000], // the reserve's floor (1 s); retries stop halfway
    [3_000, undefined, 2_000, 1_000, 1_000], // the floor again; a last call's 2 s do not fit: halfway
    [900_000, '600', 630_000, 622_000, 648_000], // wait + check; the reserve's ceiling (10 s) is not needed
    [200_000, '600', 190_000, 182_000, 188_000], // the Lambda's time less the reserve's ceiling (10 s)
  ])('%p ms remaining, waitTimeout %p s: at %p ms, retrying until %p ms (throttling %p ms)', async (remaining, wait, firesAt, retryFor, throttleRetryFor) => {
    const start = h.now;
    const response = await h.respond(createEvent(h.newUrl(), wait ? { WaitTimeoutSeconds: wait } : {}), remaining);
    expect(h.now - start).toBe(firesAt);
    expect(pacingLog()).toMatchObject({ startDelayMs: 0, retryForMs: retryFor, throttleRetryForMs: throttleRetryFor });
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toBe(
      `gave up on ${SUBJECT} after ${firesAt / 1000}s (1 checks); Customer Profiles never answered GetEventStream. ` +
        "Check the function's network access to Customer Profiles and the service's health, then retry the deployment.",
    );
  });

  test.each([
    ['no context', undefined],
    ['a context that throws', { getRemainingTimeInMillis: () => { throw new Error('no'); } }],
    ['zero remaining', { getRemainingTimeInMillis: () => 0 }],
    ['NaN remaining', { getRemainingTimeInMillis: () => NaN }],
    ['infinite remaining', { getRemainingTimeInMillis: () => Infinity }],
  ])('%s: the default of 60 s (check + margin) applies, so the budget (30 s) does', async (_name, context) => {
    const url = h.newUrl();
    const start = h.now;
    await handler(createEvent(url), context as any);
    expect(h.now - start).toBe(30_000);
    expect(h.receiver.responsesFor(url).map((r) => r.json.Status)).toEqual(['FAILED']);
  });
});

describe('the guard in a storm', () => {
  // 400 lookups at 5/s, burst 10: the storm is (400 - 10) / 5 = 78 s; the budget 78 + 30 = 108 s.
  beforeEach(() => {
    process.env[STORM_PLAN_ENV] = encodeStormPlan({ lookups: 400, rate: { requestsPerSecond: 5, burst: 10 } });
    external.random = () => 0.25;
  });

  test('a cold invocation spreads its first call (a quarter into the storm), then gives up at the budget', async () => {
    container.warm = false;
    const start = h.now;
    const response = await h.respond(createEvent(h.newUrl()), 138_000);
    expect(pacingLog()).toMatchObject({ startDelayMs: 19_500, retryForMs: 100_000, throttleRetryForMs: 126_000 });
    expect(h.sleeps).toEqual([19_500]);
    expect(h.now - start).toBe(108_000);
    expect(response.Reason).toContain('after 108s (1 checks)');
  });

  test('a warm invocation calls at once; the Lambda\'s time less a tenth bounds a short function', async () => {
    const start = h.now;
    await h.respond(createEvent(h.newUrl()), 50_000);
    expect(pacingLog()).toMatchObject({ startDelayMs: 0, retryForMs: 37_000, throttleRetryForMs: 43_000 });
    expect(h.sleeps).toEqual([]);
    expect(h.now - start).toBe(45_000);
  });
});

describe('throttling outlasts the budget, within the Lambda\'s time', () => {
  const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 1 } });

  test('throttled, then a call that hangs: the guard waits past the budget (30 s) until the Lambda\'s time less the reserve (54 s)', async () => {
    let calls = 0;
    h.profiles.on(GetEventStreamCommand).callsFake(() => (++calls === 1 ? Promise.reject(throttle()) : h.hang()));
    const start = h.now;
    const response = await h.respond(createEvent(h.newUrl()), 60_000);
    expect(h.now - start).toBe(54_000);
    expect(response.Reason).toMatch(/^gave up on event stream 'orders' .* after 54s \(2 checks, throttled 1 times\)/);
  });

  test('a 5xx, then a call that hangs: the guard answers at the budget', async () => {
    let calls = 0;
    h.profiles.on(GetEventStreamCommand).callsFake(() => (++calls === 1 ? Promise.reject(new InternalServerException({ message: 'Internal', $metadata: { httpStatusCode: 500 } })) : h.hang()));
    const start = h.now;
    const response = await h.respond(createEvent(h.newUrl()), 60_000);
    expect(h.now - start).toBe(30_000);
    expect(response.Reason).toMatch(/after 30s \(2 checks\)/);
  });

  test('throttled, then an answer, then a call that hangs: no longer throttled, the guard answers at the budget', async () => {
    let calls = 0;
    h.profiles.on(GetEventStreamCommand).callsFake(() => (++calls === 1 ? Promise.reject(throttle()) : calls === 2 ? stoppedStream() : h.hang()));
    const start = h.now;
    const response = await h.respond(createEvent(h.newUrl(), { RequiredState: 'RUNNING', WaitTimeoutSeconds: '5' }), 60_000);
    expect(h.now - start).toBe(35_000);
    expect(response.Reason).toMatch(/after 35s \(3 checks, throttled 1 times\); last seen: /);
  });

  test('throttled for 45 s, past the budget, then found: SUCCESS', async () => {
    h.profiles.on(GetEventStreamCommand).callsFake(() => (h.now - started < 45_000 ? Promise.reject(throttle()) : Promise.resolve(runningStream())));
    const started = h.now;
    const response = await h.respond(createEvent(h.newUrl()), 60_000);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN });
    expect(h.now - started).toBeGreaterThanOrEqual(45_000);
  });
});

describe('the guard reports what it saw', () => {
  test('the last state seen, when a wait is cut short', async () => {
    let calls = 0;
    h.profiles.on(GetEventStreamCommand).callsFake(async () => (++calls === 1 ? stoppedStream() : h.hang()));
    const response = await h.respond(createEvent(h.newUrl(), { RequiredState: 'RUNNING', WaitTimeoutSeconds: '600' }), 20_000);
    expect(response.Reason).toMatch(/^gave up on .* after 18s \(2 checks\); last seen: STOPPED since 2026-11-30T08:00:00.000Z, destination /);
  });

  test('the last error and the throttles, when calls first failed and then hung', async () => {
    let calls = 0;
    h.profiles.on(GetEventStreamCommand).callsFake(async () => {
      if (++calls <= 2) {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
      }
      return h.hang();
    });
    const response = await h.respond(createEvent(h.newUrl()), 20_000);
    expect(response.Reason).toMatch(/^gave up on .* after 18s \(3 checks, throttled 2 times\); last error: .*Rate exceeded/);
  });
});

describe('an Update the guard stops', () => {
  const gatedUpdate = () => {
    const previous = createEvent('unused', { RequiredState: 'RUNNING', RefreshToken: 'deployment-1' });
    return updateEvent(h.newUrl(), previous, STREAM_ARN, { RefreshToken: 'deployment-0' });
  };

  test('that never got to ask: asks DescribeStacks within the reserve; a rollback answers SUCCESS', async () => {
    h.stackStatus('UPDATE_ROLLBACK_IN_PROGRESS');
    const start = h.now;
    const response = await h.respond(gatedUpdate(), 60_000);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN });
    expect(response.Reason).toMatch(/^the stack is rolling back .*gave up on event stream 'orders'/);
    expect(h.now - start).toBe(30_000);
  });

  test('that never got to ask, and DescribeStacks hangs too: it waits at most min(2 s, half the reserve)', async () => {
    const asked: AbortSignal[] = [];
    external.stackStatus = (_stackId, signal) => {
      asked.push(signal);
      return h.hang(signal);
    };
    for (const [remaining, waited] of [[60_000, 30_000 + HANDLER_TIMING.guardRollbackCheckMs], [5_000, 4_000 + 500]]) {
      const start = h.now;
      const response = await h.respond(gatedUpdate(), remaining);
      expect(h.now - start).toBe(waited);
      expect(response.Status).toBe('SUCCESS'); // unknown status: treated as a rollback
      expect(response.Reason).toContain('could not read the stack\'s status');
    }
    expect(asked.map((signal) => signal.aborted)).toEqual([true, true]);
  });

  test('an ordinary update (not a rollback) still fails at the guard', async () => {
    const response = await h.respond(gatedUpdate(), 20_000);
    expect(response.Status).toBe('FAILED');
    expect(response.Reason).toMatch(/^gave up on .* after 18s/);
  });
});

describe('the response PUT', () => {
  test('has until 250 ms before the Lambda\'s deadline: with 2.5 s left, a failing S3 gets 3 attempts', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    const attempts: number[] = [];
    external.put = async (_url, _body, timeoutMs) => {
      attempts.push(timeoutMs);
      return 503;
    };
    const start = h.now;
    await h.invoke(createEvent(h.newUrl()), 2_500);
    // Attempts at 0, 250 and 750 ms; a fourth (after 1 s more) would not leave 1 s before 2,250 ms.
    expect(attempts).toEqual([2_250, 2_000, 1_500]);
    expect(h.now - start).toBe(750);
  });

  test('the guard\'s answer is PUT once, and nothing is left scheduled', async () => {
    const url = h.newUrl();
    await h.invoke(createEvent(url), 20_000);
    expect(h.receiver.responsesFor(url)).toHaveLength(1);
    expect(h.pendingTimers()).toBe(0);
  });

  test('a lookup that answers in time cancels its guard', async () => {
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    await h.invoke(createEvent(h.newUrl()), 20_000);
    expect(h.pendingTimers()).toBe(0);
  });
});
