import { EXTERNAL_ID_PATTERN, NAME_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN } from './patterns';
import { ApiRate, positive } from './storm';

/**
 * The watch's contract: what the construct puts in the scheduled event (the streams to read, grouped
 * by where and how they are read), the metric names and dimensions both sides use, and the pacing
 * arithmetic the construct sizes the function's timeout with and the handler obeys.
 */

/** CloudWatch namespace of every metric the watch publishes. */
export const WATCH_NAMESPACE = 'EventStreamWatch';

/** Per-stream metrics (1 or 0), dimensioned by `DomainName` and `EventStreamName`. */
export const STREAM_METRICS = {
  running: 'Running',
  destinationHealthy: 'DestinationHealthy',
  exists: 'Exists',
} as const;

/** Per-watch counts, dimensioned by `Watch`: what the watch's own alarms evaluate. */
export const WATCH_METRICS = {
  notRunning: 'StreamsNotRunning',
  unhealthy: 'DestinationsUnhealthy',
  missing: 'StreamsMissing',
  unread: 'StreamsUnread',
} as const;

/** Dimension names. */
export const DIMENSIONS = {
  domainName: 'DomainName',
  eventStreamName: 'EventStreamName',
  watch: 'Watch',
} as const;

/** Streams of one domain, read the same way (same region, same role). */
export interface WatchGroup {
  readonly region: string;
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly domainName: string;
  readonly eventStreamNames: readonly string[];
}

/** What one check reads: the scheduled event. */
export interface WatchPlan {
  /** Value of the `Watch` dimension. */
  readonly watch: string;
  /** The account's Customer Profiles rate limit, shared with lookups and every other caller. */
  readonly rate: ApiRate;
  readonly groups: readonly WatchGroup[];
}

/** The plan as the scheduled event carries it (EventBridge target input: at most 8,192 characters). */
export function encodeWatchPlan(plan: WatchPlan): Record<string, unknown> {
  return {
    Watch: plan.watch,
    Rate: `${plan.rate.requestsPerSecond}/${plan.rate.burst}`,
    Groups: plan.groups.map((g) => ({
      Region: g.region,
      ...(g.roleArn !== undefined ? { RoleArn: g.roleArn } : {}),
      ...(g.externalId !== undefined ? { ExternalId: g.externalId } : {}),
      DomainName: g.domainName,
      EventStreamNames: [...g.eventStreamNames],
    })),
  };
}

/** Longest target input EventBridge accepts. */
export const MAX_INPUT_LENGTH = 8192;

/** The decoded event, or every problem found in it. */
export type DecodedPlan = { readonly plan: WatchPlan; readonly error?: undefined } | { readonly plan?: undefined; readonly error: string };

/** Reads the scheduled event strictly; never throws. */
export function decodeWatchPlan(event: unknown): DecodedPlan {
  const problems: string[] = [];
  const e = isRecord(event) ? event : {};
  const watch = typeof e.Watch === 'string' && e.Watch.length > 0 ? e.Watch : undefined;
  if (watch === undefined) {
    problems.push('Watch is missing');
  }
  const rate = /^(\d+(?:\.\d+)?)\/(\d+)$/.exec(String(e.Rate));
  if (!rate || !positive(Number(rate[1])) || !positive(Number(rate[2]))) {
    problems.push(`Rate ${JSON.stringify(e.Rate)} is not "REQUESTS_PER_SECOND/BURST"`);
  }
  const groups: WatchGroup[] = [];
  const rawGroups = Array.isArray(e.Groups) ? e.Groups : [];
  if (rawGroups.length === 0) {
    problems.push('Groups is missing or empty');
  }
  rawGroups.forEach((raw: unknown, index: number) => {
    const g = isRecord(raw) ? raw : {};
    const where = `Groups[${index}]`;
    const check = (key: string, pattern: RegExp, optional: boolean): string | undefined => {
      const value = g[key];
      if (value === undefined && optional) {
        return undefined;
      }
      if (typeof value !== 'string' || !pattern.test(value)) {
        problems.push(`${where}.${key} ${JSON.stringify(value) ?? '(missing)'} is invalid`);
        return undefined;
      }
      return value;
    };
    const region = check('Region', REGION_PATTERN, false);
    const roleArn = check('RoleArn', ROLE_ARN_PATTERN, true);
    const externalId = check('ExternalId', EXTERNAL_ID_PATTERN, true);
    const domainName = check('DomainName', NAME_PATTERN, false);
    const names = Array.isArray(g.EventStreamNames) ? g.EventStreamNames : [];
    if (names.length === 0 || names.some((n: unknown) => typeof n !== 'string' || !NAME_PATTERN.test(n))) {
      problems.push(`${where}.EventStreamNames must be a non-empty list of names`);
    }
    if (region && domainName) {
      groups.push({ region, roleArn, externalId, domainName, eventStreamNames: names as string[] });
    }
  });
  if (problems.length > 0) {
    return { error: `invalid watch event: ${problems.join('; ')}.` };
  }
  return { plan: { watch: watch!, rate: { requestsPerSecond: Number(rate![1]), burst: Number(rate![2]) }, groups } };
}

/**
 * The watch's share of the account's rate: half of it, at least one call per second, so that
 * lookups and other callers keep the rest.
 */
export function watchCallsPerSecond(rate: ApiRate): number {
  return Math.max(1, rate.requestsPerSecond / 2);
}

/** Milliseconds between the starts of two calls of a check. */
export function watchPaceMs(rate: ApiRate): number {
  return Math.ceil(1000 / watchCallsPerSecond(rate));
}

/**
 * Calls one check makes when nothing is throttled: one GetEventStream for a domain with one
 * watched stream, one ListEventStreams page per 100 streams of a domain with more, one AssumeRole
 * per role.
 */
export function plannedCalls(groups: readonly WatchGroup[]): number {
  const roles = new Set(groups.flatMap((g) => (g.roleArn === undefined ? [] : [`${g.region}|${g.roleArn}|${g.externalId ?? ''}`])));
  return groups.reduce((sum, g) => sum + Math.max(1, Math.ceil(g.eventStreamNames.length / 100)), 0) + roles.size;
}

/** Time a check gets for throttling retries on top of its paced calls. */
export const WATCH_RETRY_SECONDS = 30;
/** Time kept back from the function's timeout to write the metrics after giving up. */
export const WATCH_MARGIN_SECONDS = 10;

/**
 * The function's timeout: the paced calls twice over, the retry allowance and the margin; never more
 * than the interval (checks must not pile up) nor Lambda's 900 s.
 */
export function watchTimeoutSeconds(groups: readonly WatchGroup[], rate: ApiRate, intervalSeconds: number): number {
  const paced = Math.ceil((plannedCalls(groups) * watchPaceMs(rate)) / 1000);
  return Math.min(900, intervalSeconds, 2 * paced + WATCH_RETRY_SECONDS + WATCH_MARGIN_SECONDS);
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
