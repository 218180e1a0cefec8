import type { EventStreamSummary } from '@aws-sdk/client-customer-profiles';
import { WatchApi } from './aws';
import { StreamReading } from './emf';
import { WatchGroup, WatchPlan, watchPaceMs } from '../../src/wire/watch';

/**
 * The check's pure core: reads every watched stream with as few calls as it can, paced under the
 * watch's share of the account's rate limit, retrying throttling and 5xx within its budget.
 *
 * - A domain with one watched stream: one `GetEventStream`.
 * - A domain with more: `ListEventStreams`, every page (it returns State and DestinationSummary with
 *   Status); `GetEventStream` only for a listed stream without a DestinationSummary.
 * - A stream the service does not know (404) is read as missing; a domain it does not know, all of
 *   its streams. Any other failure leaves the stream unread, with the reason.
 */

/** Time as the check sees it (virtual in tests). */
export interface CheckClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What a check needs besides the plan. */
export interface CheckContext {
  readonly api: WatchApi;
  readonly clock: CheckClock;
  /** No call starts after this instant less CALL_HEADROOM_MS (ms), so that the metrics still get written. */
  readonly deadline: number;
  readonly abortSignal: AbortSignal;
  /** A uniform random number in [0, 1), for the retries' jitter. */
  random(): number;
}

/** How the check went, for its log line and its tests. */
export interface CheckResult {
  readonly readings: StreamReading[];
  readonly calls: number;
  readonly throttled: number;
  readonly retries: number;
}

/** Backoff before the n-th retry: full jitter, 200 ms doubling to at most 5 s, at least 100 ms. */
export function retryDelayMs(retry: number, random: number): number {
  const ceiling = Math.min(5_000, 200 * 2 ** Math.min(20, retry - 1));
  return Math.max(100, Math.floor(random * ceiling));
}

/** Longest a call may take (the SDK's request timeout): no call starts closer to the deadline. */
export const CALL_HEADROOM_MS = 8_000;

/** More pages than any domain holds (100 streams a page): a guard against a token that never ends. */
export const MAX_PAGES = 50;

export async function runCheck(plan: WatchPlan, context: CheckContext): Promise<CheckResult> {
  const { clock, api, abortSignal } = context;
  const paceMs = watchPaceMs(plan.rate);
  const stats = { calls: 0, throttled: 0, retries: 0 };
  let nextSlot = clock.now();

  let groupsLeft = plan.groups.length;
  /**
   * One API call: paced, and retried while it is throttled or the service fails, within its share of
   * what is left of the budget (the groups still to read share it evenly, so one throttled domain
   * does not starve the others).
   */
  const call = async <T>(send: () => Promise<T>): Promise<T> => {
    const started = clock.now();
    const share = Math.max(0, context.deadline - started - CALL_HEADROOM_MS) / Math.max(1, groupsLeft);
    const callDeadline = Math.min(context.deadline, started + CALL_HEADROOM_MS + share);
    for (let retry = 0; ; retry++) {
      const wait = Math.max(0, nextSlot - clock.now());
      if (clock.now() + wait + CALL_HEADROOM_MS > callDeadline) {
        throw new OutOfTime(stats.throttled);
      }
      if (wait > 0) {
        await clock.sleep(wait);
      }
      nextSlot = clock.now() + paceMs;
      stats.calls++;
      try {
        return await send();
      } catch (error) {
        if (!isTransient(error)) {
          throw error;
        }
        if (isThrottle(error)) {
          stats.throttled++;
        }
        stats.retries++;
        const delay = retryDelayMs(retry + 1, context.random());
        nextSlot = Math.max(nextSlot, clock.now() + delay);
      }
    }
  };

  const reading = (group: WatchGroup, name: string, facts: Omit<StreamReading, 'domainName' | 'eventStreamName' | 'region'>): StreamReading =>
    ({ domainName: group.domainName, eventStreamName: name, region: group.region, ...facts });

  const readOne = async (group: WatchGroup, name: string): Promise<StreamReading> => {
    try {
      const stream = await call(() => api.getEventStream(group, name, abortSignal));
      return reading(group, name, { exists: true, state: stream.State, destinationStatus: stream.DestinationDetails?.Status });
    } catch (error) {
      return isNotFound(error) ? reading(group, name, { exists: false }) : reading(group, name, { error: describe(error) });
    }
  };

  const readGroup = async (group: WatchGroup): Promise<StreamReading[]> => {
    if (group.eventStreamNames.length === 1) {
      return [await readOne(group, group.eventStreamNames[0])];
    }
    const listed = new Map<string, EventStreamSummary>();
    try {
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await call(() => api.listEventStreams(group, token, abortSignal));
        for (const item of page.Items ?? []) {
          if (item.EventStreamName !== undefined) {
            listed.set(item.EventStreamName, item);
          }
        }
        token = page.NextToken;
        pages++;
      } while (token && pages < MAX_PAGES);
    } catch (error) {
      // A domain the service does not know has none of its streams.
      const facts = isNotFound(error) ? { exists: false } : { error: describe(error) };
      return group.eventStreamNames.map((name) => reading(group, name, facts));
    }
    const readings: StreamReading[] = [];
    for (const name of group.eventStreamNames) {
      const item = listed.get(name);
      if (item === undefined) {
        readings.push(reading(group, name, { exists: false }));
      } else if (item.State === undefined || item.DestinationSummary?.Status === undefined) {
        // The summary lacks what the metrics need: read the stream itself.
        readings.push(await readOne(group, name));
      } else {
        readings.push(reading(group, name, { exists: true, state: item.State, destinationStatus: item.DestinationSummary.Status }));
      }
    }
    return readings;
  };

  const readings: StreamReading[] = [];
  for (const group of plan.groups) {
    readings.push(...await readGroup(group));
    groupsLeft--;
  }
  return { readings, ...stats };
}

/** No time left for another call. */
export class OutOfTime extends Error {
  constructor(throttled: number) {
    super(`the check ran out of time${throttled > 0 ? ` after ${throttled} throttled calls (the account's Customer Profiles rate is shared with every caller)` : ''}`);
    this.name = 'OutOfTime';
  }
}

function errorName(error: unknown): string {
  return String((error as { name?: unknown })?.name ?? '');
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

function isThrottle(error: unknown): boolean {
  return errorName(error) === 'ThrottlingException' || statusOf(error) === 429;
}

/** Worth another try: throttling, the service's 5xx, a request that timed out or a dropped connection. */
export function isTransient(error: unknown): boolean {
  const status = statusOf(error);
  return isThrottle(error) ||
    (status !== undefined && status >= 500) ||
    ['InternalServerException', 'TimeoutError', 'RequestTimeout', 'ECONNRESET', 'ECONNREFUSED'].includes(errorName(error)) ||
    ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT'].includes(String((error as { code?: unknown })?.code));
}

function describe(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  const name = errorName(error);
  return (name && !message.startsWith(name) ? `${name}: ${message}` : message).slice(0, 300);
}
