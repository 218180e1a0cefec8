/**
 * The time budget shared by the construct (which sizes timeouts with it) and the handler (which
 * obeys it). The handler's own timings are in lambda/timing.ts.
 */
export const TIMING = {
  /** Longest a single check may take, its retries included (the stack's storm comes on top: ./storm.ts). */
  checkBudgetSeconds: 30,
  /** Extra Lambda time above the longest wait + check, so Lambda never cuts a lookup short. */
  functionMarginSeconds: 30,
  /** Extra CloudFormation time above the function's own bound: queueing, cold start, response PUT. */
  serviceMarginSeconds: 60,
  /** The Lambda maximum, which bounds everything. */
  lambdaMaxSeconds: 900,
} as const;

/** Longest `waitTimeout` a lookup accepts: whatever still fits the Lambda maximum. */
export const MAX_WAIT_SECONDS =
  TIMING.lambdaMaxSeconds - TIMING.checkBudgetSeconds - TIMING.functionMarginSeconds;
