/**
 * The handler's own timings (the budget shared with the construct is `TIMING` in src/contract.ts).
 * Named here, once, so the time guard, the waits and the response PUT can be read and tested.
 */
export const HANDLER_TIMING = {
  /** Part of the Lambda's remaining time the time guard keeps back to answer after giving up... */
  guardReserveShare: 0.1,
  /** ...but at least this much, so the FAILED response still gets out... */
  guardReserveMinMs: 1_000,
  /** ...and at most this much, so long invocations do not waste it. */
  guardReserveMaxMs: 10_000,
  /** The response PUT must be over this long before Lambda freezes the process. */
  putFreezeMarginMs: 250,
  /** Bounds of one PUT attempt's socket timeout. */
  putAttemptMinMs: 1_000,
  putAttemptMaxMs: 10_000,
  /** Backoff between PUT attempts: 250 ms, doubling. */
  putBackoffBaseMs: 250,
  /** Attempts at most, for a PUT that S3 answers with 5xx or that fails on the network. */
  putMaxAttempts: 6,
  /** A retry is only started if this much time is left after its backoff. */
  putRetryHeadroomMs: 1_000,
  /**
   * The PUT uses the connection opened ahead of it (lambda/response-connection.ts) only this long
   * after it was opened: a server closes idle connections, and a fresh one costs only the head start.
   */
  responseConnectionMaxAgeMs: 4_000,
  /** SDK socket timeouts for Customer Profiles and STS calls. */
  sdkConnectionTimeoutMs: 3_000,
  sdkRequestTimeoutMs: 8_000,
  /** Backoff between checks while waiting for requirements: 1 s, doubling, at most 30 s. */
  waitBackoffFirstMs: 1_000,
  waitBackoffMaxMs: 30_000,
  /**
   * Retries of throttling, 5xx and timeouts (the SDK itself makes one attempt): capped full-jitter
   * exponential backoff, a uniform random delay below `min(max, base * 2^(n-1))` for the n-th retry,
   * but at least `min` so that a retry loop always advances; retried until the lookup's budget
   * (src/budget.ts) runs short.
   */
  retryBackoffBaseMs: 250,
  retryBackoffMaxMs: 5_000,
  retryBackoffMinMs: 50,
  /**
   * A cold invocation that starts this long after CloudFormation's request was not started with the
   * rest of its storm (a busy host, a queued invocation): the storm's start has spread it already, so
   * it calls at once instead of spreading its first call over what is left of the storm. Lambda's own
   * cold starts, and the whole seconds of the request's time, stay well below it.
   */
  stormLateStartMs: 3_000,
  /**
   * A late start also says that the storm started spread out, so its calls end later than the rate
   * limit alone would: by this share of the lateness (tools/bench/storm-model.ts compares shares).
   */
  stormLateShare: 0.3,
  /** A cold invocation throttled again and again spreads its retries over at least this, doubling (lambda/pacing.ts). */
  stormRetryFirstMs: 4_000,
  /** Time kept back from the lookup's budget for a last call that hangs until its SDK request timeout. */
  retryHeadroomMs: 8_000,
  /**
   * Throttling is retried beyond the lookup's budget, for as long as the Lambda's time still holds
   * one more call and the answer: a throttled call answers in milliseconds, so this much is kept
   * for the last call (one that hangs longer is cut by the time guard, which still answers).
   */
  lastCallMs: 2_000,
  /** How long a rollback Update keeps retrying throttling and 5xx before it answers with what it has. */
  rollbackRetryMs: 15_000,
  /** How long the time guard waits for DescribeStacks when an Update gives up before it could ask. */
  guardRollbackCheckMs: 2_000,
} as const;

