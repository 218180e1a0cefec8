import type { GetEventStreamCommandOutput } from '@aws-sdk/client-customer-profiles';
import { classifyError, subject } from './reasons';
import { LookupSpec } from './request';
import { HANDLER_TIMING } from './timing';
import { LookupAttributes } from '../src/contract';

/**
 * The pure core: spec -> GetEventStream -> attributes, or a verdict on why the deployment must fail.
 * The API call, the clock and sleeping come in as parameters, so every branch is testable.
 */

/** Calls GetEventStream for the spec (the caller owns clients, credentials and cancellation). */
export type FetchStream = (spec: LookupSpec) => Promise<GetEventStreamCommandOutput>;

/** Time as the lookup sees it. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** What the lookup has seen so far; read by the time guard when it has to give up. */
export interface Progress {
  checks: number;
  lastSeen?: string;
  lastError?: string;
}

/**
 * The handler's verdict for CloudFormation, before it is shaped into a response. A lookup's SUCCESS
 * carries the stream's physical id and attributes; a Delete's carries neither (the resource keeps
 * the id it has).
 */
export type Outcome =
  | { readonly status: 'SUCCESS'; readonly reason: string; readonly physicalResourceId?: string; readonly data?: LookupAttributes }
  | { readonly status: 'FAILED'; readonly reason: string };

/** Backoff between checks while waiting: 1 s, doubling, at most 30 s. */
export function backoffMs(check: number): number {
  const { waitBackoffFirstMs, waitBackoffMaxMs } = HANDLER_TIMING;
  return Math.min(waitBackoffMaxMs, waitBackoffFirstMs * 2 ** (check - 1));
}

/** Looks the stream up, polling until its requirements hold or the wait runs out. */
export async function runLookup(spec: LookupSpec, fetch: FetchStream, clock: Clock, progress: Progress): Promise<Outcome> {
  const waitUntil = clock.now() + spec.waitSeconds * 1000;
  const startedAt = clock.now();
  for (let check = 1; ; check++) {
    progress.checks = check;
    let giveUp: () => string;
    try {
      const output = await fetch(spec);
      const data = toAttributes(spec, output);
      progress.lastSeen = describeStream(data);
      const unmet = unmetRequirements(spec, data);
      if (unmet.length === 0) {
        const reason = `found ${subject(spec)}: ${data.State}, destination ${data.DestinationStatus}`;
        return { status: 'SUCCESS', physicalResourceId: streamPhysicalId(spec, data.EventStreamArn), data, reason };
      }
      giveUp = () => requirementsReason(spec, unmet, check, clock.now() - startedAt);
    } catch (error) {
      const failure = classifyError(error, spec);
      if (failure.kind === 'missing' && !spec.failIfMissing) {
        const reason = `${subject(spec)} does not exist; deploying without it (failIfMissing: false)`;
        return { status: 'SUCCESS', physicalResourceId: missingPhysicalId(spec), data: missingAttributes(spec), reason };
      }
      if (failure.kind !== 'transient') {
        return { status: 'FAILED', reason: failure.reason };
      }
      // Throttling and 5xx that outlasted the SDK's own retries: worth another check while waiting.
      progress.lastError = failure.reason;
      giveUp = () => failure.reason;
    }
    const remaining = waitUntil - clock.now();
    if (remaining <= 0) {
      return { status: 'FAILED', reason: giveUp() };
    }
    await clock.sleep(Math.min(backoffMs(check), remaining));
  }
}

/** The fixed attribute set: never the raw response, so its size is bounded (tags are dropped). */
export function toAttributes(spec: LookupSpec, output: GetEventStreamCommandOutput): LookupAttributes {
  const destination = output.DestinationDetails;
  return {
    EventStreamArn: output.EventStreamArn ?? '',
    Uri: destination?.Uri ?? '',
    State: output.State ?? '',
    DestinationStatus: destination?.Status ?? '',
    DestinationMessage: destination?.Message ?? '',
    CreatedAt: iso(output.CreatedAt),
    StoppedSince: iso(output.StoppedSince),
    UnhealthySince: iso(destination?.UnhealthySince),
    Exists: 'true',
    DomainName: output.DomainName ?? spec.domainName,
    EventStreamName: spec.eventStreamName,
    Region: spec.region,
  };
}

/** Every attribute is present even for a missing stream, so `Fn::GetAtt` never fails on a missing key. */
export function missingAttributes(spec: LookupSpec): LookupAttributes {
  return {
    EventStreamArn: '',
    Uri: '',
    State: '',
    DestinationStatus: '',
    DestinationMessage: '',
    CreatedAt: '',
    StoppedSince: '',
    UnhealthySince: '',
    Exists: 'false',
    DomainName: spec.domainName,
    EventStreamName: spec.eventStreamName,
    Region: spec.region,
  };
}

/** Longest EventStreamArn the service model allows; the physical id must also stay under CloudFormation's 1 KB. */
const MAX_ARN_LENGTH = 255;

/**
 * The stream's ARN, which makes a lookup of another stream a replacement; a name-based id when the
 * answer carries no usable ARN (the ids are never cut, so they must be bounded where they are made).
 */
export function streamPhysicalId(spec: LookupSpec, arn: string): string {
  return arn.startsWith('arn:') && arn.length <= MAX_ARN_LENGTH ? arn : `stream:${spec.region}:${spec.domainName}/${spec.eventStreamName}`;
}

/** Stable and unique per stream, for a stream that does not exist (yet). */
export function missingPhysicalId(spec: LookupSpec): string {
  return `missing:${spec.region}:${spec.domainName}/${spec.eventStreamName}`;
}

/** The requirements the stream does not meet, each as a sentence fragment. */
export function unmetRequirements(spec: LookupSpec, data: LookupAttributes): string[] {
  const unmet: string[] = [];
  if (spec.requiredState && data.State !== spec.requiredState) {
    unmet.push(`required state ${spec.requiredState}, found ${data.State || 'no state'}${data.StoppedSince ? ` (stopped since ${data.StoppedSince})` : ''}`);
  }
  if (spec.requireHealthyDestination && data.DestinationStatus !== 'HEALTHY') {
    const since = data.UnhealthySince ? ` since ${data.UnhealthySince}` : '';
    const message = data.DestinationMessage ? `: ${data.DestinationMessage}` : '';
    unmet.push(`required a HEALTHY destination, found ${data.DestinationStatus || 'no status'}${since}${message}`);
  }
  return unmet;
}

/** A one-line account of what the stream looked like. */
export function describeStream(data: LookupAttributes): string {
  const stopped = data.StoppedSince ? ` since ${data.StoppedSince}` : '';
  const unhealthy = data.UnhealthySince ? ` since ${data.UnhealthySince}` : '';
  const message = data.DestinationMessage ? ` (${data.DestinationMessage})` : '';
  return `${data.State}${stopped}, destination ${data.Uri || '(none)'} ${data.DestinationStatus}${unhealthy}${message}`;
}

function requirementsReason(spec: LookupSpec, unmet: string[], checks: number, waitedMs: number): string {
  const waited = spec.waitSeconds > 0 ? ` after waiting ${Math.round(waitedMs / 1000)}s (${checks} checks)` : '';
  const hint = spec.waitSeconds > 0
    ? 'Fix the stream or its destination, then deploy again, or wait longer with a larger waitTimeout.'
    : 'Fix the stream or its destination, then deploy again, or set waitTimeout to wait for it.';
  return `${subject(spec)} does not meet the deployment's requirements${waited}: ${unmet.join('; ')}. ${hint}`;
}

function iso(value: Date | undefined): string {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : '';
}
