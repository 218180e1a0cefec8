import { sdkWatchApi, WatchApi } from './aws';
import { CheckClock, runCheck } from './check';
import { emfDocuments } from './emf';
import { decodeWatchPlan, WATCH_MARGIN_SECONDS } from '../../src/wire/watch';

/**
 * Entry point of the scheduled check: reads the watched streams named by the event, writes their
 * metrics as EMF lines, and fails the invocation (Lambda's `Errors` metric, which the watch's check
 * alarm evaluates) when a stream could not be read or the event is malformed.
 */

/** The part of the Lambda context the check uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Side effects, replaceable in tests (which run on a virtual clock). */
export const external = {
  api: (): WatchApi => sdkWatchApi(),
  clock: {
    now: () => Date.now(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  } as CheckClock,
  random: () => Math.random(),
  /** One line of the function's output (Lambda sends stdout to CloudWatch Logs). */
  write: (line: string) => {
    process.stdout.write(`${line}\n`);
  },
};

/** Used when the context gives no remaining time (never in Lambda). */
const DEFAULT_REMAINING_MS = 60_000;

export async function handler(event: unknown, context?: LambdaContext): Promise<void> {
  const { clock, write } = external;
  const startedAt = clock.now();
  const decoded = decodeWatchPlan(event);
  if (decoded.error !== undefined) {
    write(JSON.stringify({ message: 'watch event rejected', error: decoded.error }));
    throw new Error(decoded.error);
  }
  const plan = decoded.plan;
  let remaining = DEFAULT_REMAINING_MS;
  try {
    remaining = context?.getRemainingTimeInMillis() ?? DEFAULT_REMAINING_MS;
  } catch {
    // keep the default
  }
  const abort = new AbortController();
  const result = await runCheck(plan, {
    api: external.api(),
    clock,
    random: external.random,
    deadline: startedAt + remaining - WATCH_MARGIN_SECONDS * 1000,
    abortSignal: abort.signal,
  });
  for (const document of emfDocuments(plan.watch, result.readings, startedAt)) {
    write(JSON.stringify(document));
  }
  const unread = result.readings.filter((r) => r.exists === undefined);
  write(JSON.stringify({
    message: 'check done',
    streams: result.readings.length,
    unread: unread.length,
    calls: result.calls,
    throttled: result.throttled,
    retries: result.retries,
    durationMs: clock.now() - startedAt,
  }));
  if (unread.length > 0) {
    const reasons = unread.map((r) => `${r.domainName}/${r.eventStreamName} (${r.region}): ${r.error}`);
    throw new Error(`${unread.length} of ${result.readings.length} watched streams could not be read: ${reasons.join('; ')}`.slice(0, 2000));
  }
}
