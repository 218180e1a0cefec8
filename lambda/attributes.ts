import type { GetEventStreamCommandOutput } from '@aws-sdk/client-customer-profiles';

import { LookupAttributes } from '../src/wire/attributes';
import { LookupSpec } from '../src/wire/properties';

/**
 * GetEventStream's answer shaped into the fixed attribute set, and the physical ids of a lookup.
 */

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

/** A one-line account of what the stream looked like. */
export function describeStream(data: LookupAttributes): string {
  const stopped = data.StoppedSince ? ` since ${data.StoppedSince}` : '';
  const unhealthy = data.UnhealthySince ? ` since ${data.UnhealthySince}` : '';
  const message = data.DestinationMessage ? ` (${data.DestinationMessage})` : '';
  return `${data.State}${stopped}, destination ${data.Uri || '(none)'} ${data.DestinationStatus}${unhealthy}${message}`;
}

function iso(value: Date | undefined): string {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : '';
}
