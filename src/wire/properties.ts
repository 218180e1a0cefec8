import { EXTERNAL_ID_PATTERN, NAME_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN } from './patterns';
import { MAX_WAIT_SECONDS } from './timing';

/**
 * The custom resource's properties: what the construct encodes into the template and the handler
 * decodes from `ResourceProperties`. Each property name is spelled here only.
 *
 * CloudFormation hands every property to the handler as a string, so booleans and numbers travel as
 * strings, and a property at its default is left out (a smaller template, and an unchanged one when
 * a default is spelled out).
 */

/** CloudFormation type of every lookup resource. */
export const RESOURCE_TYPE = 'Custom::EventStreamLookup';

/** A lookup as both sides see it: which stream, and what to require of it. */
export interface LookupRequest {
  readonly domainName: string;
  readonly eventStreamName: string;
  /** Region to look in; absent means the function's own region. */
  readonly region?: string;
  /** Role to assume first (cross-account lookups). */
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly requiredState?: 'RUNNING' | 'STOPPED';
  /** Whether the destination must be `HEALTHY`. */
  readonly requireHealthyDestination: boolean;
  /** Seconds to keep checking until the requirements hold; 0 means check once. */
  readonly waitSeconds: number;
  /** Whether a missing stream fails the lookup (else it succeeds with `Exists = 'false'`). */
  readonly failIfMissing: boolean;
  /** Changes on every deployment when refresh is on, so CloudFormation sends an Update. */
  readonly refreshToken?: string;
}

/** A decoded request, its region settled (the function's own when the properties name none). */
export interface LookupSpec extends LookupRequest {
  readonly region: string;
}

/** The property names, one per field of a request. */
export const PROPERTY_NAMES = {
  domainName: 'DomainName',
  eventStreamName: 'EventStreamName',
  region: 'Region',
  roleArn: 'RoleArn',
  externalId: 'ExternalId',
  requiredState: 'RequiredState',
  requireHealthyDestination: 'RequireHealthyDestination',
  waitSeconds: 'WaitTimeoutSeconds',
  failIfMissing: 'FailIfMissing',
  refreshToken: 'RefreshToken',
} as const satisfies Record<keyof LookupRequest, string>;

/** The properties as they appear in the template: strings, defaults left out. */
export type LookupProperties = Partial<Record<(typeof PROPERTY_NAMES)[keyof LookupRequest], string>>;

/** The template's properties for a request; values may be CDK tokens (strings). */
export function encodeProperties(request: LookupRequest): LookupProperties {
  const p = PROPERTY_NAMES;
  const entries: Array<[string, string | undefined]> = [
    [p.domainName, request.domainName],
    [p.eventStreamName, request.eventStreamName],
    [p.region, request.region],
    [p.roleArn, request.roleArn],
    [p.externalId, request.externalId],
    [p.requiredState, request.requiredState],
    [p.requireHealthyDestination, request.requireHealthyDestination ? 'true' : undefined],
    [p.waitSeconds, request.waitSeconds > 0 ? String(request.waitSeconds) : undefined],
    [p.failIfMissing, request.failIfMissing ? undefined : 'false'],
    [p.refreshToken, request.refreshToken],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** The outcome of decoding: the spec, or why there is none (every problem found, worded for a Reason). */
export type Decoded = { readonly spec: LookupSpec; readonly error?: undefined } | { readonly spec?: undefined; readonly error: string };

/**
 * Reads `ResourceProperties` strictly: total (never throws on garbage), and it reports every
 * problem at once. `defaultRegion` settles a request that names no region.
 */
export function decodeProperties(properties: unknown, defaultRegion: string | undefined): Decoded {
  if (!isRecord(properties)) {
    return { error: 'the lookup has no ResourceProperties: expected DomainName and EventStreamName.' };
  }
  const problems: string[] = [];
  const name = (key: string): string => {
    const value = properties[key];
    if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
      problems.push(`${key} ${describe(value)} is not a valid name (1-64 letters, digits, '_' or '-')`);
      // Stryker disable next-line StringLiteral: never read, a recorded problem means no spec is returned
      return '';
    }
    return value;
  };
  const optional = (key: string, pattern: RegExp, expected: string): string | undefined => {
    const value = properties[key];
    if (value === undefined || value === '') {
      return undefined;
    }
    if (typeof value !== 'string' || !pattern.test(value)) {
      problems.push(`${key} ${describe(value)} is invalid: expected ${expected}`);
      return undefined;
    }
    return value;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = optional(key, /^(true|false)$/, "'true' or 'false'");
    return value === undefined ? fallback : value === 'true';
  };

  const p = PROPERTY_NAMES;
  const domainName = name(p.domainName);
  const eventStreamName = name(p.eventStreamName);
  const region = optional(p.region, REGION_PATTERN, "a region name such as 'us-east-1'") ?? defaultRegion;
  const roleArn = optional(p.roleArn, ROLE_ARN_PATTERN, 'an IAM role ARN');
  const externalId = optional(p.externalId, EXTERNAL_ID_PATTERN, '2-1224 characters of letters, digits and +=,.@:/-');
  const requiredState = optional(p.requiredState, /^(RUNNING|STOPPED)$/, "'RUNNING' or 'STOPPED'") as LookupSpec['requiredState'];
  const requireHealthyDestination = flag(p.requireHealthyDestination, false);
  const failIfMissing = flag(p.failIfMissing, true);
  const wait = optional(p.waitSeconds, /^\d{1,4}$/, `whole seconds from 0 to ${MAX_WAIT_SECONDS}`);
  const waitSeconds = wait === undefined ? 0 : Number(wait);
  if (waitSeconds > MAX_WAIT_SECONDS) {
    problems.push(`${p.waitSeconds} ${wait} is above the maximum of ${MAX_WAIT_SECONDS}`);
  }
  const refreshToken = typeof properties[p.refreshToken] === 'string' ? properties[p.refreshToken] as string : undefined;
  if (!region) {
    problems.push('no region: set Region or run the function with AWS_REGION');
  }
  if (problems.length > 0) {
    return { error: `invalid lookup properties: ${problems.join('; ')}.` };
  }
  return {
    spec: {
      domainName,
      eventStreamName,
      region: region!,
      roleArn,
      externalId,
      requiredState,
      requireHealthyDestination,
      waitSeconds,
      failIfMissing,
      refreshToken,
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, safe rendering of an untrusted value for an error message. */
function describe(value: unknown): string {
  if (value === undefined) {
    return '(missing)';
  }
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
