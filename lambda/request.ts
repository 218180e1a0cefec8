import { EXTERNAL_ID_PATTERN, MAX_WAIT_SECONDS, NAME_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN } from '../src/contract';

/**
 * Parsing of the CloudFormation event: pure, total (never throws on garbage), and strict about
 * what a lookup needs.
 */

/** The parts of a CloudFormation custom-resource event this handler reads. */
export interface Envelope {
  readonly requestType: string;
  readonly responseUrl?: string;
  readonly stackId: string;
  readonly requestId: string;
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly resourceProperties: unknown;
}

/** What to look up and what to require of it. */
export interface LookupSpec {
  readonly domainName: string;
  readonly eventStreamName: string;
  readonly region: string;
  readonly roleArn?: string;
  readonly externalId?: string;
  readonly requiredState?: 'RUNNING' | 'STOPPED';
  readonly requireHealthyDestination: boolean;
  readonly waitSeconds: number;
  readonly failIfMissing: boolean;
}

/** A request this handler cannot serve; its message is the Reason CloudFormation shows. */
export class InvalidRequestError extends Error {
  public readonly name = 'InvalidRequestError';
}

/** Reads the envelope fields, tolerating any shape (missing fields become empty). */
export function readEnvelope(event: unknown): Envelope {
  const e: Record<string, unknown> = isRecord(event) ? event : {};
  return {
    requestType: text(e.RequestType),
    responseUrl: typeof e.ResponseURL === 'string' && e.ResponseURL !== '' ? e.ResponseURL : undefined,
    stackId: text(e.StackId),
    requestId: text(e.RequestId),
    logicalResourceId: text(e.LogicalResourceId),
    physicalResourceId: typeof e.PhysicalResourceId === 'string' && e.PhysicalResourceId !== '' ? e.PhysicalResourceId : undefined,
    resourceProperties: e.ResourceProperties,
  };
}

/** Validates `ResourceProperties` into a spec, or throws one InvalidRequestError listing every problem. */
export function parseSpec(properties: unknown, defaultRegion: string | undefined): LookupSpec {
  if (!isRecord(properties)) {
    throw new InvalidRequestError('the lookup has no ResourceProperties: expected DomainName and EventStreamName.');
  }
  const problems: string[] = [];
  const name = (key: string): string => {
    const value = properties[key];
    if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
      problems.push(`${key} ${describe(value)} is not a valid name (1-64 letters, digits, '_' or '-')`);
      // Stryker disable next-line StringLiteral: never read, a recorded problem makes parseSpec throw before the spec is built
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

  const domainName = name('DomainName');
  const eventStreamName = name('EventStreamName');
  const region = optional('Region', REGION_PATTERN, "a region name such as 'us-east-1'") ?? defaultRegion;
  const roleArn = optional('RoleArn', ROLE_ARN_PATTERN, 'an IAM role ARN');
  const externalId = optional('ExternalId', EXTERNAL_ID_PATTERN, '2-1224 characters of letters, digits and +=,.@:/-');
  const requiredState = optional('RequiredState', /^(RUNNING|STOPPED)$/, "'RUNNING' or 'STOPPED'") as LookupSpec['requiredState'];
  const requireHealthyDestination = flag('RequireHealthyDestination', false);
  const failIfMissing = flag('FailIfMissing', true);
  const wait = optional('WaitTimeoutSeconds', /^\d{1,4}$/, `whole seconds from 0 to ${MAX_WAIT_SECONDS}`);
  const waitSeconds = wait === undefined ? 0 : Number(wait);
  if (waitSeconds > MAX_WAIT_SECONDS) {
    problems.push(`WaitTimeoutSeconds ${wait} is above the maximum of ${MAX_WAIT_SECONDS}`);
  }
  if (!region) {
    problems.push('no region: set Region or run the function with AWS_REGION');
  }
  if (problems.length > 0) {
    throw new InvalidRequestError(`invalid lookup properties: ${problems.join('; ')}.`);
  }
  return {
    domainName,
    eventStreamName,
    region: region!,
    roleArn,
    externalId,
    requiredState,
    requireHealthyDestination,
    waitSeconds,
    failIfMissing,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A short, safe rendering of an untrusted value for an error message. */
function describe(value: unknown): string {
  if (value === undefined) {
    return '(missing)';
  }
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
