
import { LookupSpec } from '../src/wire/properties';
import { API_RATE_CONTEXT_KEY, StormPlan } from '../src/wire/storm';

/**
 * Errors turned into Reasons a person can act on: each names the stream, the domain and the region,
 * says what went wrong and what to do.
 */

/** How the lookup should treat an error. */
export interface Failure {
  /** `missing`: the stream does not exist; `transient`: worth another check; `fatal`: give up now. */
  readonly kind: 'missing' | 'transient' | 'fatal';
  readonly reason: string;
  /** A transient error that was the rate limit's answer (429 ThrottlingException). */
  readonly throttled?: boolean;
  /** The error as `Name: message`. */
  readonly detail?: string;
}

/** Transient errors a lookup retried, for the Reason it gives when its budget runs out. */
export interface RetryStats {
  readonly transientErrors: number;
  readonly throttles: number;
  /** From the first transient error to giving up. */
  readonly overMs: number;
  readonly lastError?: string;
}

/** Raised when assuming the lookup's role fails; the role is named in the Reason. */
export class AssumeRoleError extends Error {
  public readonly name = 'AssumeRoleError';
  constructor(public readonly roleArn: string, public readonly cause: unknown) {
    super(`could not assume ${roleArn}`);
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'InternalServerException',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES: ReadonlySet<unknown> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** `event stream 'orders' in domain 'retail-profiles' (us-east-1)`, plus the role when one is assumed. */
export function subject(spec: LookupSpec): string {
  const via = spec.roleArn ? ` via role ${spec.roleArn}` : '';
  return `event stream '${spec.eventStreamName}' in domain '${spec.domainName}' (${spec.region})${via}`;
}

/** Classifies an error of GetEventStream (or of assuming the role) and words its Reason. */
export function classifyError(error: unknown, spec: LookupSpec): Failure {
  const what = subject(spec);
  if (error instanceof AssumeRoleError) {
    return {
      kind: isTransient(error.cause) ? 'transient' : 'fatal',
      throttled: isThrottle(error.cause),
      detail: `could not assume role ${error.roleArn}: ${detail(error.cause)}`,
      reason: `could not assume role ${error.roleArn} to read ${what}: ${detail(error.cause)}. Check that the role trusts the lookup's function role${spec.externalId ? ' and expects this external ID' : ''}.`,
    };
  }
  const name = errorName(error);
  switch (name) {
    case 'ResourceNotFoundException':
      return {
        kind: 'missing',
        reason: `${what} not found: ${detail(error)}. Check the domain and stream names, or set failIfMissing: false to deploy without it.`,
      };
    case 'AccessDeniedException':
      return {
        kind: 'fatal',
        reason: `access denied reading ${what}: ${detail(error)}. Allow profile:GetEventStream on the domain and on the event stream for ${spec.roleArn ?? "the lookup's function role"}.`,
      };
    case 'BadRequestException':
      return {
        kind: 'fatal',
        reason: `Customer Profiles rejected the request for ${what}: ${detail(error)}. Check the domain and stream names.`,
      };
    default:
      if (isTransient(error)) {
        return {
          kind: 'transient',
          throttled: isThrottle(error),
          detail: detail(error),
          reason: `Customer Profiles did not answer GetEventStream for ${what}: ${detail(error)}. Retry the deployment later.`,
        };
      }
      return {
        kind: 'fatal',
        reason: `GetEventStream failed for ${what}: ${detail(error)}. Check the function's credentials and network access to Customer Profiles.`,
      };
  }
}

/**
 * The Reason of a lookup that retried throttling, 5xx or timeouts until its budget ran short: how
 * often, over how long, the last error, and what to do.
 */
export function retriesReason(spec: LookupSpec, stats: RetryStats, plan: StormPlan): string {
  const over = `over ${Math.round(stats.overMs / 1000)}s`;
  const last = stats.lastError ? `; the last: ${stats.lastError}` : '';
  const others = stats.transientErrors - stats.throttles;
  if (stats.throttles > 0) {
    const also = others > 0 ? ` (and ${others} other transient errors)` : '';
    return (
      `Customer Profiles throttled GetEventStream for ${subject(spec)} ${stats.throttles} times${also} ${over}${last}. ` +
      `The account's GetEventStream rate in ${spec.region} is shared by every stack and tool; this stack's ${plan.lookups} lookups were sized for ` +
      `${plan.rate.requestsPerSecond} calls/s (burst ${plan.rate.burst}). Retry the deployment when fewer calls compete, split the lookups over ` +
      `more stacks, or ask for a higher Customer Profiles quota and set the context value ${API_RATE_CONTEXT_KEY} to it.`
    );
  }
  return (
    `Customer Profiles did not answer GetEventStream for ${subject(spec)}: ${stats.transientErrors} transient errors ${over}${last}. ` +
    "Check the service's health in that region and the function's network access to it, then retry the deployment."
  );
}

function isThrottle(error: unknown): boolean {
  return errorName(error) === 'ThrottlingException' || httpStatus(error) === 429;
}

function isTransient(error: unknown): boolean {
  const status = httpStatus(error) ?? 0;
  const code = (error as { code?: unknown } | undefined)?.code;
  return TRANSIENT_NAMES.has(errorName(error)) || status >= 500 || status === 429 || NETWORK_CODES.has(code);
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** `Name: message`, bounded in length (service messages can be long). */
function detail(error: unknown): string {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  const text = message && message !== name ? `${name}: ${message}` : name;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
