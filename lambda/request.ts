import { decodeProperties, LookupSpec } from '../src/wire/properties';

/**
 * Reading the CloudFormation event: the envelope, tolerant of any shape, and the lookup's
 * properties, decoded through the contract both sides share.
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

/** Decodes `ResourceProperties` into a spec (src/wire/properties.ts), or throws one InvalidRequestError listing every problem. */
export function parseSpec(properties: unknown, defaultRegion: string | undefined): LookupSpec {
  const decoded = decodeProperties(properties, defaultRegion);
  if (decoded.error !== undefined) {
    throw new InvalidRequestError(decoded.error);
  }
  return decoded.spec;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
