/**
 * How CloudFormation judges the responses a custom resource sends for one event. Kept apart from
 * the rehearsal so the rules CloudFormation enforces (and that a handler can break) can be read and
 * tested on their own, without running a deployment.
 */

/** CloudFormation's limit on the whole response body; a body of this size or more is rejected. */
export const RESPONSE_BYTE_LIMIT = 4096;

/** CloudFormation's limit on a PhysicalResourceId (1 KB). */
export const PHYSICAL_RESOURCE_ID_LIMIT = 1024;

/** What CloudFormation makes of the responses to one event. */
export interface Verdict {
  /** `NO RESPONSE` is what makes a stack hang until ServiceTimeout; `INVALID` is a response CloudFormation rejects. */
  readonly status: 'SUCCESS' | 'FAILED' | 'NO RESPONSE' | 'INVALID';
  readonly reason: string;
  readonly physicalResourceId?: string;
  readonly data?: Record<string, string>;
  readonly bodyBytes?: number;
}

/** The event fields a response must echo back. */
export interface JudgedEvent {
  readonly StackId?: unknown;
  readonly RequestId?: unknown;
  readonly LogicalResourceId?: unknown;
}

/**
 * Judges the bodies received for one event, in the order they arrived. CloudFormation acts on the
 * first response only, so any later ones are ignored here (the caller counts them).
 */
export function judge(event: JudgedEvent, bodies: string[]): Verdict {
  if (bodies.length === 0) {
    return { status: 'NO RESPONSE', reason: 'no response: CloudFormation would wait until ServiceTimeout' };
  }
  const body = bodies[0];
  const bodyBytes = Buffer.byteLength(body);
  let json: any;
  try {
    json = JSON.parse(body);
  } catch {
    return { status: 'INVALID', reason: 'Invalid response: not JSON', bodyBytes };
  }
  const problems = [
    bodyBytes >= RESPONSE_BYTE_LIMIT && `Response object is too long (${bodyBytes} bytes)`,
    !['SUCCESS', 'FAILED'].includes(json.Status) && `invalid Status ${JSON.stringify(json.Status)}`,
    (typeof json.PhysicalResourceId !== 'string' || json.PhysicalResourceId === '' || json.PhysicalResourceId.length > PHYSICAL_RESOURCE_ID_LIMIT) &&
      'invalid PhysicalResourceId',
    json.StackId !== event.StackId && 'StackId does not match',
    json.RequestId !== event.RequestId && 'RequestId does not match',
    json.LogicalResourceId !== event.LogicalResourceId && 'LogicalResourceId does not match',
    json.Data !== undefined && (typeof json.Data !== 'object' || json.Data === null || Object.values(json.Data).some((v) => typeof v !== 'string')) && 'Data must map names to strings',
  ].filter(Boolean);
  if (problems.length > 0) {
    return { status: 'INVALID', reason: `Invalid response: ${problems.join('; ')}`, bodyBytes };
  }
  return { status: json.Status, reason: json.Reason ?? '', physicalResourceId: json.PhysicalResourceId, data: json.Data, bodyBytes };
}
