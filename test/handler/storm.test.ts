import { GetEventStreamCommand, InternalServerException, ThrottlingException } from '@aws-sdk/client-customer-profiles';
import { container, external } from '../../lambda/index';
import { retryBackoffMs } from '../../lambda/lookup';
import { queueAheadMs, queueMemory, rememberedQueueMs, requestSignedAt, stormClock } from '../../lambda/pacing';
import { ROLLBACK_STATUS } from '../../lambda/rollback';
import { HANDLER_TIMING } from '../../lambda/timing';
import { encodeStormPlan, STORM_PLAN_ENV } from '../../src/wire/storm';
import { createEvent, runningStream, STREAM_ARN, updateEvent } from '../fixtures/events';
import { HandlerHarness } from '../fixtures/harness';

/**
 * Throttle storms, on the virtual clock: a cold invocation spreads its first call over the storm, a
 * warm one does not; throttling, 5xx and timeouts are retried with capped full-jitter backoff until
 * the lookup's budget (wait + storm + one check) runs short, and the Reason then says how often, over
 * how long, and what to do.
 */

const h = HandlerHarness.forEachTest();
const throttle = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 1 } });
/** The function's timeout for 400 lookups at 5/s (src/budget.ts): 78 s of storm + 30 s check + 30 s margin. */
const TIMEOUT_400_MS = 138_000;

beforeEach(() => {
  process.env[STORM_PLAN_ENV] = encodeStormPlan({ lookups: 400, rate: { requestsPerSecond: 5, burst: 10 } });
  external.random = () => 0.5;
  container.warm = false;
});
afterAll(() => {
  delete process.env[STORM_PLAN_ENV];
  external.random = h.original.random;
});

test('a cold invocation starts at a random point of the storm, (400 - 10) / 5 = 78 s; a warm one at once', async () => {
  h.profiles.on(GetEventStreamCommand).resolves(runningStream());
  expect((await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS)).Status).toBe('SUCCESS');
  expect(h.sleeps).toEqual([39_000]);
  h.sleeps = [];
  expect((await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS)).Status).toBe('SUCCESS');
  expect(h.sleeps).toEqual([]);
});

test('a stack within the burst never waits', async () => {
  process.env[STORM_PLAN_ENV] = encodeStormPlan({ lookups: 10, rate: { requestsPerSecond: 5, burst: 10 } });
  h.profiles.on(GetEventStreamCommand).resolves(runningStream());
  expect((await h.respond(createEvent(h.newUrl()))).Status).toBe('SUCCESS');
  expect(h.sleeps).toEqual([]);
});

test('throttling is retried with jitter until it clears', async () => {
  container.warm = true; // warm
  h.profiles.on(GetEventStreamCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).rejectsOnce(throttle()).resolves(runningStream());
  const response = await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
  expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN });
  expect(h.sleeps).toEqual([125, 250, 500]); // half of 250, 500, 1000 ms (random = 0.5)
});

test('backoff: full jitter below 250 ms doubling, capped at 5 s, never below 50 ms', () => {
  expect([1, 2, 3, 4, 5, 6, 40].map((n) => retryBackoffMs(n, 0.999999))).toEqual([249, 499, 999, 1999, 3999, 4999, 4999]);
  expect(retryBackoffMs(3, 0)).toBe(HANDLER_TIMING.retryBackoffMinMs);
});

test('a storm that never clears: retried for the Lambda\'s time, then a Reason with how often, how long and what to do', async () => {
  h.profiles.on(GetEventStreamCommand).rejects(throttle());
  const response = await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toMatch(
    /^Customer Profiles throttled GetEventStream for event stream 'orders' in domain 'retail-profiles' \(us-east-1\) (\d+) times over (\d+)s; the last: ThrottlingException: Rate exceeded\. The account's GetEventStream rate in us-east-1 is shared by every stack and tool; this stack's 400 lookups were sized for 5 calls\/s \(burst 10\)\. Retry the deployment when fewer calls compete, split the lookups over more stacks, or ask for a higher Customer Profiles quota and set the context value cdk-event-stream-lookup:api-rate to it\.$/,
  );
  const [, times, over] = /(\d+) times over (\d+)s/.exec(response.Reason)!;
  expect(Number(times)).toBe(h.profiles.calls().length);
  // Spread (39 s) plus retries: past the budget (78 s + 30 s), until the function's timeout (138 s)
  // less the guard's reserve (10 s) and a last call (2 s): the Lambda's time is not left unused.
  const slept = h.sleeps.reduce((a, b) => a + b, 0);
  expect(slept).toBeLessThanOrEqual(126_000);
  expect(slept).toBeGreaterThan(126_000 - HANDLER_TIMING.retryBackoffMaxMs);
  expect(Number(over)).toBe(Math.round((slept - 39_000) / 1000));
});

test('in a cold storm, a throttled retry is spread over the queue ahead: what is left of the storm, then the capped backoff', async () => {
  h.profiles.on(GetEventStreamCommand).rejects(throttle());
  await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
  // random = 0.5: the spread to 39 s; then half of the storm left (78 - 39 = 39 s), 19.5 s; then
  // half of 78 - 58.5 = 19.5 s, 9.75 s; ... until the queue ahead (2.4 s before the 5th retry) is
  // shorter than the exponential backoff's ceiling (250 ms doubling per retry: 4 s for the 5th, then its cap of 5 s).
  const [spread, ...retries] = h.sleeps;
  expect(spread).toBe(39_000);
  expect(retries.slice(0, 4)).toEqual([19_500, 9_750, 4_875, 2_437]);
  expect(retries.slice(4, 6)).toEqual([2_000, 2_500]);
  expect(retries.slice(-3)).toEqual([2_500, 2_500, 2_500]);
});

test('a warm invocation\'s throttled retries do not wait for the storm: the capped backoff alone', async () => {
  container.warm = true;
  h.profiles.on(GetEventStreamCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).resolves(runningStream());
  await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
  expect(h.sleeps).toEqual([125, 250]);
});

test('a cold invocation counts the storm from CloudFormation\'s request (the ResponseURL\'s X-Amz-Date): started 2 s late, it spreads over the 76 s left', async () => {
  h.profiles.on(GetEventStreamCommand).resolves(runningStream());
  const url = h.newUrl();
  h.advanceTo(h.now + 2_000);
  expect((await h.respond(createEvent(url), TIMEOUT_400_MS)).Status).toBe('SUCCESS');
  expect(h.sleeps).toEqual([38_000]);
  expect(h.logs.some((line) => line.includes('"lateInStormMs":2000'))).toBe(true);
});

test('a cold invocation started later than a cold start takes calls at once; its throttled retries spread until the storm\'s end, put off by 0.3 of its lateness', async () => {
  h.profiles.on(GetEventStreamCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).resolves(runningStream());
  const url = h.newUrl();
  h.advanceTo(h.now + 20_000);
  expect((await h.respond(createEvent(url), TIMEOUT_400_MS)).Status).toBe('SUCCESS');
  // No spread; then half of 78 s + 6 s - 20 s = 64 s, 32 s; then half of 84 s - 52 s = 32 s, 16 s.
  expect(h.sleeps).toEqual([32_000, 16_000]);
});

test('a late invocation throttled again and again: past the storm\'s end from the request, its retries spread up to the end of a storm from its own start', async () => {
  h.profiles.on(GetEventStreamCommand).rejects(throttle());
  const url = h.newUrl();
  h.advanceTo(h.now + 20_000);
  await h.respond(createEvent(url), TIMEOUT_400_MS);
  // Ends: 84 s from the request, 98 s from its own start. Halves of 64, 32 and 16 s reach 76 s; the 4th retry
  // in a row would spread over 4 s * 2^3 = 32 s, but no further than 98 - 76 = 22 s, longer than the 8 s left
  // from the request; the 5th over 98 - 87 = 11 s; the 6th over 5.5 s.
  expect(h.sleeps.slice(0, 6)).toEqual([32_000, 16_000, 8_000, 11_000, 5_500, 2_750]);
});

test('just past the lateness that still spreads, the first call goes at once', async () => {
  h.profiles.on(GetEventStreamCommand).resolves(runningStream());
  const late = h.newUrl();
  h.advanceTo(h.now + HANDLER_TIMING.stormLateStartMs);
  await h.respond(createEvent(late), TIMEOUT_400_MS);
  expect(h.sleeps).toEqual([(78_000 - HANDLER_TIMING.stormLateStartMs) / 2]);
  container.warm = false;
  h.sleeps = [];
  const later = h.newUrl();
  h.advanceTo(h.now + HANDLER_TIMING.stormLateStartMs + 1);
  await h.respond(createEvent(later), TIMEOUT_400_MS);
  expect(h.sleeps).toEqual([]);
});

test('a request signed after the invocation started (clocks apart) or a URL without a date: the storm counted from the invocation\'s start', async () => {
  h.profiles.on(GetEventStreamCommand).resolves(runningStream());
  const url = h.newUrl();
  const date = /X-Amz-Date=(\w+)/.exec(url)![1];
  const ahead = url.replace(date, new Date(h.now + 60_000).toISOString().replace(/[-:]|\.\d{3}/g, ''));
  await h.invoke(createEvent(ahead), TIMEOUT_400_MS); // a URL the receiver did not issue: its answer is refused, which is not the point here
  expect(h.sleeps).toEqual([39_000]);
  expect(h.logs.some((line) => line.includes('"lateInStormMs":0'))).toBe(true);
  h.sleeps = [];
  container.warm = false;
  await h.invoke(createEvent(url.replace(/X-Amz-Date=\w+&/, '')), TIMEOUT_400_MS);
  expect(h.sleeps).toEqual([39_000]);
});

test('the request\'s signing time, from a CloudFormation-shaped ResponseURL; none when absent or malformed', () => {
  const base = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws/r?X-Amz-Algorithm=AWS4-HMAC-SHA256';
  expect(requestSignedAt(`${base}&X-Amz-Date=20261207T050102Z&X-Amz-Expires=7200`)).toBe(Date.parse('2026-12-07T05:01:02Z'));
  expect(requestSignedAt(`${base}&X-Amz-Date=20261207T050102Z`)).toBe(Date.parse('2026-12-07T05:01:02Z'));
  expect(requestSignedAt('https://h/p?X-Amz-Date=19991231T235959Z')).toBe(Date.parse('1999-12-31T23:59:59Z'));
  for (const url of [base, `${base}&X-Amz-Date=20261207T0501Z`, `${base}&X-Amz-Date=20261207T050102Z1`, `${base}&X-Amz-Date=2026-12-07T05:01:02Z`, `${base}&My-X-Amz-Date=20261207T050102Z`]) {
    expect(requestSignedAt(url)).toBeUndefined();
  }
});

test('the storm\'s clock: from the request when it came first, else from the invocation\'s start', () => {
  expect(stormClock(1_000, 4_500)).toEqual({ startedAt: 1_000, lateMs: 3_500 });
  expect(stormClock(4_500, 4_500)).toEqual({ startedAt: 4_500, lateMs: 0 });
  expect(stormClock(5_000, 4_500)).toEqual({ startedAt: 4_500, lateMs: 0 });
  expect(stormClock(undefined, 4_500)).toEqual({ startedAt: 4_500, lateMs: 0 });
});

test('in a cold storm, 5xx are not throttling: the capped backoff, and only for the budget', async () => {
  h.profiles.on(GetEventStreamCommand).rejects(new InternalServerException({ message: 'Internal', $metadata: { httpStatusCode: 500 } }));
  const response = await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
  expect(response.Reason).toMatch(/^Customer Profiles did not answer GetEventStream/);
  const [spread, ...retries] = h.sleeps;
  expect(spread).toBe(39_000);
  expect(retries.slice(0, 3)).toEqual([125, 250, 500]);
  expect(Math.max(...retries)).toBe(2_500);
  expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(108_000 - HANDLER_TIMING.retryHeadroomMs);
});

test('the queue ahead: the storm less the time passed since the request, never below 0', () => {
  const plan400 = { lookups: 400, rate: { requestsPerSecond: 5, burst: 10 } };
  const onTime = { startedAt: 1_000, lateMs: 0 };
  const times = [1_000, 1_001, 40_000, 78_999, 79_000, 91_000];
  expect(times.map((now) => queueAheadMs(plan400, onTime, now, 1))).toEqual([78_000, 77_999, 39_000, 1, 0, 0]);
  // On time, the storm from the invocation's start is the storm from the request: throttled again and again, nothing more.
  expect(queueAheadMs(plan400, onTime, 78_000, 30)).toBe(1_000);
  expect(queueAheadMs({ lookups: 10, rate: { requestsPerSecond: 5, burst: 10 } }, onTime, 1_000, 9)).toBe(0);
});

test('the queue ahead of a late invocation: the storm from the request put off by 0.3 of the lateness, and, throttled again and again, 4 s doubling up to the storm from its own start', () => {
  const plan400 = { lookups: 400, rate: { requestsPerSecond: 5, burst: 10 } };
  const late = { startedAt: 0, lateMs: 10_000 }; // the storm ends at 81 s (from the request) or 88 s (from its own start)
  expect([10_000, 50_000, 80_999].map((now) => queueAheadMs(plan400, late, now, 1))).toEqual([71_000, 31_000, 4_000]);
  expect([1, 2, 3, 40].map((retry) => queueAheadMs(plan400, late, 81_000, retry))).toEqual([4_000, 7_000, 7_000, 7_000]);
  expect([1, 2, 3].map((retry) => queueAheadMs(plan400, late, 60_000, retry))).toEqual([21_000, 21_000, 21_000]);
  expect(queueAheadMs(plan400, late, 88_000, 40)).toBe(0);
  expect(queueAheadMs(plan400, late, 79_000, 2)).toBe(8_000);
  expect(queueAheadMs(plan400, late, 75_000, 3)).toBe(13_000);
});

test('backoff with a queue ahead: full jitter over the longer of the queue and the capped exponential ceiling', () => {
  expect(retryBackoffMs(1, 0.5, 20_000)).toBe(10_000);
  expect(retryBackoffMs(1, 0.5, 100)).toBe(125); // the ceiling of the first retry, 250 ms, is longer
  expect(retryBackoffMs(6, 0.5, 4_000)).toBe(2_500); // the cap, 5 s, is longer
  expect(retryBackoffMs(6, 0.5, 6_000)).toBe(3_000);
  expect(retryBackoffMs(1, 0, 20_000)).toBe(HANDLER_TIMING.retryBackoffMinMs);
});

test('throttling mixed with 5xx is counted apart', async () => {
  container.warm = true;
  h.profiles.on(GetEventStreamCommand).rejectsOnce(throttle()).rejects(new InternalServerException({ message: 'Internal', $metadata: { httpStatusCode: 500 } }));
  const response = await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
  expect(response.Reason).toMatch(/throttled GetEventStream .* 1 times \(and \d+ other transient errors\) over \d+s; the last: InternalServerException: Internal\./);
});

test('a rollback Update in a storm: spread, then retried only for the rollback budget, and answered SUCCESS', async () => {
  h.stackStatus(ROLLBACK_STATUS);
  h.profiles.on(GetEventStreamCommand).rejects(throttle());
  const failed = createEvent('unused', { RequiredState: 'RUNNING', RefreshToken: 'deployment-2' });
  const event = updateEvent(h.newUrl(), failed, STREAM_ARN, { RefreshToken: 'deployment-1' });
  const response = await h.respond(event, TIMEOUT_400_MS);
  expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: STREAM_ARN });
  expect(h.sleeps[0]).toBe(39_000);
  expect(h.sleeps.slice(1).reduce((a, b) => a + b, 0)).toBe(HANDLER_TIMING.rollbackRetryMs);
});

test('the time guard names the throttling it saw', async () => {
  container.warm = true;
  let calls = 0;
  h.profiles.on(GetEventStreamCommand).callsFake(() => (++calls === 1 ? Promise.reject(throttle()) : h.hang()));
  const response = await h.respond(createEvent(h.newUrl()), 3_000);
  expect(response.Reason).toMatch(/^gave up on event stream 'orders' .* \(2 checks, throttled 1 times\); last error: /);
});

describe('a warm environment remembers the throttling its last lookup met', () => {
  const plan400 = { lookups: 400, rate: { requestsPerSecond: 5, burst: 10 } };

  test('the queue it expects: what throttling held the last lookup, within a storm, never beyond one', () => {
    const requested = (at: number) => ({ startedAt: at, lateMs: 0 }); // the storm's clock, from a request signed at `at`
    expect(rememberedQueueMs(plan400, undefined, 1_000, requested(1_000))).toBe(0);
    expect(rememberedQueueMs(plan400, { waitedMs: 2_000, endedAt: 1_000 }, 1_000, requested(1_000))).toBe(2_000);
    expect(rememberedQueueMs(plan400, { waitedMs: 2_000, endedAt: 1_000 }, 79_000, requested(79_000))).toBe(2_000); // 78 s later: the storm may still run
    expect(rememberedQueueMs(plan400, { waitedMs: 2_000, endedAt: 1_000 }, 79_001, requested(79_001))).toBe(0); // longer ago than a whole storm
    expect(rememberedQueueMs(plan400, { waitedMs: 500_000, endedAt: 1_000 }, 1_000, requested(1_000))).toBe(78_000);
    // A stack within the burst has no storm of its own to remember.
    expect(rememberedQueueMs({ lookups: 10, rate: plan400.rate }, { waitedMs: 2_000, endedAt: 1_000 }, 1_000, requested(1_000))).toBe(0);
  });

  test('past what is left of the storm counted from the request, half of it: there a spread mostly delays the last lookups', () => {
    const memory = { waitedMs: 2_000, endedAt: 100_000 };
    const requestedAgo = (ago: number) => ({ startedAt: 100_000 - ago, lateMs: ago });
    const queues = [30_000, 76_000, 76_500, 77_000, 77_500, 90_000].map((ago) => rememberedQueueMs(plan400, memory, 100_000, requestedAgo(ago)));
    expect(queues).toEqual([2_000, 2_000, 1_500, 1_000, 1_000, 1_000]);
  });

  test('what a lookup leaves: the time from its first throttled call to its end, only when throttled', () => {
    expect(queueMemory(undefined, 5_000)).toBeUndefined();
    expect(queueMemory(4_000, 5_000)).toEqual({ waitedMs: 1_000, endedAt: 5_000 });
    expect(queueMemory(5_000, 5_000)).toEqual({ waitedMs: 0, endedAt: 5_000 });
  });

  test('the next lookup spreads its first call and its throttled retries over that queue; one that was not throttled clears it', async () => {
    container.warm = true;
    // Throttled three times: 125 + 250 + 500 ms from its first throttled call to its answer.
    h.profiles.on(GetEventStreamCommand).rejectsOnce(throttle()).rejectsOnce(throttle()).rejectsOnce(throttle()).resolves(runningStream());
    await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
    expect(h.sleeps).toEqual([125, 250, 500]);
    expect(container.queue).toMatchObject({ waitedMs: 875 });

    // Half of 875 ms before its first call, and half of the longer of 875 ms and the backoff's ceiling after a throttle.
    h.sleeps = [];
    h.profiles.reset();
    h.profiles.on(GetEventStreamCommand).rejectsOnce(throttle()).resolves(runningStream());
    await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
    expect(h.sleeps).toEqual([437, 437]);
    expect(container.queue).toMatchObject({ waitedMs: 437 });

    // Not throttled: the next one starts at once.
    h.sleeps = [];
    h.profiles.reset();
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
    expect(h.sleeps).toEqual([218]);
    expect(container.queue).toBeUndefined();
    h.sleeps = [];
    await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
    expect(h.sleeps).toEqual([]);
  });

  test('a cold invocation ignores it: the storm spread alone', async () => {
    container.queue = { waitedMs: 10_000, endedAt: 0 };
    h.profiles.on(GetEventStreamCommand).resolves(runningStream());
    await h.respond(createEvent(h.newUrl()), TIMEOUT_400_MS);
    expect(h.sleeps).toEqual([39_000]);
  });
});
