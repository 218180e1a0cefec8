import { LAMBDA_ASYNC_RETRY_MAX_SECONDS } from '../../src/timeouts';
import { describeStorm, rehearseStorm, StormResult } from '../../tools/rehearsal/storm';

/**
 * Throttle storms, end to end: a stack's lookups created at once, each run by the bundled handler in
 * an execution environment of its own (a pool of warm processes), against a Customer Profiles
 * stand-in whose account-wide token bucket answers 429 ThrottlingException beyond the rate.
 *
 * The planned rate is a context value, so these run the documented shape (5/s, burst 10, where 400
 * lookups need (400 - 10) / 5 = 78 s) ten times faster at 50/s; the bench runs the full-size storm
 * at 5/s. One process per concurrent execution is what the rehearsal costs: 400 at once thrash a
 * 2-core machine (measured: about 10 GB and a starved stand-in), so the unlimited storm runs 100
 * lookups here and 400 in the bench; under a concurrency limit, 400 need only 10 processes.
 */

jest.setTimeout(180_000);

function expectEveryLookupAnswered(result: StormResult): void {
  console.log(describeStorm(result));
  const failed = result.steps.filter((s) => s.status !== 'SUCCESS').map((s) => `${s.logicalId}: ${s.status}: ${s.reason}`);
  expect(failed).toEqual([]);
  expect(result.successes).toBe(result.lookups);
  // Exactly one response to each, from an invocation that ended normally (none timed out).
  expect(result.exactlyOnce).toBe(true);
  expect(result.lateAnswers).toBe(0);
  // Even without the allowance kept for Lambda's retry interval of throttled invocations.
  for (const step of result.steps) {
    expect(step.elapsedMs).toBeLessThan((step.serviceTimeoutSeconds! - LAMBDA_ASYNC_RETRY_MAX_SECONDS) * 1000);
  }
}

test('400 lookups at 50/s, burst 10, under a new account\'s 10 concurrent executions: every one SUCCESS, once, within its ServiceTimeout', async () => {
  const result = await rehearseStorm({ lookups: 400, rate: { requestsPerSecond: 50, burst: 10 }, concurrency: 10 });
  expectEveryLookupAnswered(result);
  expect(result.peakConcurrency).toBe(10);
  expect(result.coldStarts).toBe(10); // the other 390 ran warm, without a spread
  expect(result.longestQueuedSeconds).toBeGreaterThan(0);
});

test('100 lookups at 10/s, burst 10, all at once, each in its own environment: every one SUCCESS, once, within its ServiceTimeout', async () => {
  const result = await rehearseStorm({ lookups: 100, rate: { requestsPerSecond: 10, burst: 10 } });
  expectEveryLookupAnswered(result);
  expect(result.peakConcurrency).toBe(100);
  // Ten times the burst at once: the spread paces them, with some throttling or (a run may be lucky)
  // none, at most 2.5 calls each.
  expect(result.apiCalls / result.lookups).toBeLessThanOrEqual(2.5);
});

test('reserved concurrency (issue 13): 100 lookups queue for 2 executions and still answer within their ServiceTimeout', async () => {
  const result = await rehearseStorm({ lookups: 100, rate: { requestsPerSecond: 50, burst: 10 }, reservedConcurrency: 2 });
  expectEveryLookupAnswered(result);
  expect(result.peakConcurrency).toBe(2);
  expect(result.longestQueuedSeconds).toBeGreaterThan(0);
});

test('a cold storm (issue 22): 50 lookups, each a fresh process started at once, at 10/s, burst 10: every one SUCCESS, once, at most 2.5 calls each', async () => {
  // What differs from the pool: every process loads the handler while the others do (on 2 cores,
  // seconds apart), and each spreads its first call from its own start. Calls per lookup count
  // every call the stand-in received, throttled ones included; no wall-clock time is asserted.
  const result = await rehearseStorm({ lookups: 50, rate: { requestsPerSecond: 10, burst: 10 }, fresh: true });
  expectEveryLookupAnswered(result);
  expect(result.coldStarts).toBe(50);
  expect(result.apiCalls / result.lookups).toBeLessThanOrEqual(2.5);
});
