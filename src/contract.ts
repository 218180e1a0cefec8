/**
 * The wire contract between the construct (synth time) and the handler (deploy time).
 *
 * Both sides import this module, so a property or attribute name is spelled in exactly one place.
 * CloudFormation hands every custom-resource property to the handler as a string, so the
 * properties are typed as strings here too. This module is internal: it is not exported from
 * the package entry point.
 */

/** CloudFormation type of every lookup resource. */
export const RESOURCE_TYPE = 'Custom::EventStreamLookup';

/** Properties of the custom resource, as the handler receives them in `ResourceProperties`. */
export interface LookupProperties {
  readonly DomainName: string;
  readonly EventStreamName: string;
  /** Region to look in; absent means the function's own region. */
  readonly Region?: string;
  /** Role to assume first (cross-account lookups). */
  readonly RoleArn?: string;
  readonly ExternalId?: string;
  /** `RUNNING` or `STOPPED`. */
  readonly RequiredState?: string;
  /** `'true'` when the destination must be `HEALTHY`. */
  readonly RequireHealthyDestination?: string;
  /** Seconds to keep polling until the requirements hold; absent or `'0'` means check once. */
  readonly WaitTimeoutSeconds?: string;
  /** `'false'` to succeed (with `Exists = 'false'`) when the stream does not exist. */
  readonly FailIfMissing?: string;
  /** Changes on every deployment when refresh is on, so CloudFormation sends an Update. */
  readonly RefreshToken?: string;
}

/** Names of the `Fn::GetAtt` attributes every successful lookup returns (always all of them). */
export const ATTRIBUTE_NAMES = [
  'EventStreamArn',
  'Uri',
  'State',
  'DestinationStatus',
  'DestinationMessage',
  'CreatedAt',
  'StoppedSince',
  'UnhealthySince',
  'Exists',
  'DomainName',
  'EventStreamName',
  'Region',
] as const;

/** One attribute name. */
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

/** The `Data` of a successful response: every attribute, as a string (empty when absent). */
export type LookupAttributes = Record<AttributeName, string>;

/** Timing budget shared by the construct (which sizes timeouts) and the handler (which obeys them). */
export const TIMING = {
  /** Longest a single check may take, its retries included (the stack's storm comes on top: src/budget.ts). */
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

/** Names accepted by Customer Profiles for domains and event streams. */
export const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** AWS region names, such as `us-east-1` or `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** IAM role ARNs in any partition (`sts:AssumeRole` accepts paths up to 512 characters). */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** External IDs as `sts:AssumeRole` accepts them. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/** Context key that pins the refresh trigger; public as `EventStreamLookup.REFRESH_CONTEXT_KEY`. */
export const REFRESH_CONTEXT_KEY = 'cdk-event-stream-lookup:refresh-token';
