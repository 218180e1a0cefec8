import { IncomingMessage } from 'http';

/**
 * One log shared by several stand-ins, so that a test can assert the order of requests across
 * services (for example: STS GetCallerIdentity, STS AssumeRole, then Cloud Control GetResource).
 */

/** One request, as a stand-in saw it. */
export interface LoggedRequest {
  /** Signing name of the service: `sts`, `cloudcontrolapi`. */
  readonly service: string;
  /** The operation: `GetCallerIdentity`, `AssumeRole`, `GetResource`. */
  readonly operation: string;
  /** What the request was about: the role ARN, the resource identifier. */
  readonly detail: string;
  /** Access key that signed the request. */
  readonly accessKeyId: string;
  /** `ok`, or why the request was refused (the error type). */
  readonly outcome: string;
}

export class RequestLog {
  public readonly entries: LoggedRequest[] = [];

  public add(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  /** Forgets what was logged (between two runs of a test). */
  public clear(): void {
    this.entries.length = 0;
  }
}

/** The access key in a request's SigV4 Authorization header, or '' when unsigned. */
export function accessKeyOf(req: IncomingMessage): string {
  return /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
}
