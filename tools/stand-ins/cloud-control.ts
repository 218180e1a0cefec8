import { randomUUID } from 'crypto';
import * as http from 'http';
import { StandInStream } from './customer-profiles';
import { closeServer, listenOnLoopback, portOf, withBody } from './local-server';
import { RequestLog, accessKeyOf } from './request-log';
import { verifySigV4 } from './sigv4';
import { IamWorld } from '../iam/world';

/**
 * A local stand-in for Cloud Control API's GetResource on `AWS::CustomerProfiles::EventStream`, the
 * call the CDK CLI's Cloud Control context provider makes for a synth-time lookup. Faithful to the
 * wire: awsJson1_0 (`POST /`, `Content-Type: application/x-amz-json-1.0`,
 * `X-Amz-Target: CloudApiService.GetResource`, body `{"TypeName","Identifier"}`), SigV4 for the
 * `cloudcontrolapi` signing name, errors as `{"__type":"com.amazonaws.cloudcontrol#...","Message"}`.
 * The answer is what the resource's read handler returns: the primary identifier `domain|stream`,
 * and `Properties` as a JSON string holding DomainName, EventStreamName, Uri, EventStreamArn,
 * CreatedAt (as Java's `Instant.toString` writes it), State, DestinationDetails {Uri, Status} and
 * Tags; never StoppedSince, UnhealthySince or the destination's message.
 *
 * Every call is authorized as AWS does it, against the signer's policies in the IAM world
 * (tools/iam/): first Cloud Control's own action, `cloudformation:GetResource` (Cloud Control's IAM
 * prefix is `cloudformation`; the action has no resource types), then what the resource type's read
 * handler calls **with the caller's credentials**: `profile:GetEventStream` on the domain and the
 * event stream, and `kinesis:DescribeStreamSummary` on the destination. A denial is answered as
 * `AccessDeniedException` (a common error of the awsJson protocol, status 400; botocore's model of
 * GetResource lists no such error), the read handler's denials wrapped as Cloud Control relays them:
 * `TYPE Handler returned status FAILED: MESSAGE (Service: S, Status Code: N, Request ID: ...)
 * (HandlerErrorCode: AccessDenied, RequestToken: ...)`.
 */

export const EVENT_STREAM_TYPE = 'AWS::CustomerProfiles::EventStream';

/** Errors this stand-in answers with; the service answers client errors with status 400. */
export type CloudControlError =
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'InvalidRequestException'
  | 'TypeNotFoundException'
  | 'ThrottlingException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'MissingAuthenticationTokenException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException';

/** What the stand-in saw of one request. */
export interface CloudControlRequest {
  readonly target: string;
  readonly contentType: string;
  readonly typeName?: string;
  readonly identifier?: string;
  /** Access key that signed the request. */
  readonly accessKeyId: string;
  /** `ok`, or the error the stand-in answered with. */
  readonly outcome: 'ok' | CloudControlError;
}

export interface CloudControlStandInOptions {
  readonly region?: string;
  readonly account?: string;
  /** Shared log of requests across stand-ins (STS and this one). */
  readonly log?: RequestLog;
  /** The IAM world the stand-ins share. @default a world of `account` */
  readonly iam?: IamWorld;
}

export class CloudControlStandIn {
  /** Starts the stand-in on 127.0.0.1 on a free port. */
  public static async start(options: CloudControlStandInOptions = {}): Promise<CloudControlStandIn> {
    const account = options.account ?? '123456789012';
    const standIn = new CloudControlStandIn(options.region ?? 'us-east-1', account, options.iam ?? new IamWorld(account), options.log);
    await listenOnLoopback(standIn.server);
    return standIn;
  }

  public readonly requests: CloudControlRequest[] = [];
  private readonly server: http.Server;
  private readonly streams = new Map<string, StandInStream>();
  /** IAM's message for each denied call, in order. */
  public readonly denials: string[] = [];

  private constructor(
    public readonly region: string,
    public readonly account: string,
    public readonly iam: IamWorld,
    private readonly log?: RequestLog,
  ) {
    this.server = http.createServer(withBody((req, body, res) => this.handle(req, body, res)));
  }

  /** The endpoint to give the SDK or the CLI (`AWS_ENDPOINT_URL_CLOUDCONTROL`). */
  public get endpoint(): string {
    return `http://127.0.0.1:${portOf(this.server)}`;
  }

  /** Stores (or replaces) a stream. */
  public putStream(domainName: string, eventStreamName: string, stream: StandInStream): this {
    this.streams.set(identifierOf(domainName, eventStreamName), stream);
    return this;
  }

  /** Removes a stream. */
  public deleteStream(domainName: string, eventStreamName: string): this {
    this.streams.delete(identifierOf(domainName, eventStreamName));
    return this;
  }

  /** ARN the service would give this stream. */
  public arnOf(domainName: string, eventStreamName: string): string {
    return `arn:aws:profile:${this.region}:${this.account}:domains/${domainName}/event-streams/${eventStreamName}`;
  }

  /** The `Properties` document the read handler returns for a stored stream (parsed). */
  public propertiesOf(domainName: string, eventStreamName: string): Record<string, unknown> | undefined {
    const stream = this.streams.get(identifierOf(domainName, eventStreamName));
    return stream && this.readModel(domainName, eventStreamName, stream);
  }

  public async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    const input = parseJson(body);
    const record = {
      target,
      contentType,
      typeName: typeof input?.TypeName === 'string' ? input.TypeName : undefined,
      identifier: typeof input?.Identifier === 'string' ? input.Identifier : undefined,
      accessKeyId: accessKeyOf(req),
    };
    const answer = (outcome: 'ok' | CloudControlError, status: number, payload: Record<string, unknown>) => {
      this.requests.push({ ...record, outcome });
      this.log?.add({
        service: 'cloudcontrolapi',
        operation: target.replace(/^CloudApiService\./, ''),
        detail: record.identifier ?? '',
        accessKeyId: record.accessKeyId,
        outcome,
      });
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
      res.end(JSON.stringify(payload));
    };
    const fail = (type: CloudControlError, message: string, status = 400) =>
      answer(type, status, { __type: `com.amazonaws.cloudcontrol#${type}`, Message: message });

    const problem = await verifySigV4(req, body, { credentials: this.iam.credentials(), service: 'cloudcontrolapi', region: this.region });
    if (problem) {
      return fail(problem.type, problem.message, 403);
    }
    if (req.method !== 'POST' || target !== 'CloudApiService.GetResource') {
      return fail('UnknownOperationException', `No operation for ${req.method} ${target || '(no X-Amz-Target)'}`);
    }
    if (contentType !== 'application/x-amz-json-1.0' || input === undefined) {
      return fail('SerializationException', 'Expected an application/x-amz-json-1.0 body holding a JSON object');
    }
    if (record.typeName === undefined || record.identifier === undefined) {
      return fail('InvalidRequestException', 'TypeName and Identifier are required');
    }
    if (record.typeName !== EVENT_STREAM_TYPE) {
      return fail('TypeNotFoundException', `The type '${record.typeName}' cannot be found.`);
    }
    const parts = record.identifier.split('|');
    if (parts.length !== 2 || parts.some((p) => p === '')) {
      return fail('InvalidRequestException', `Identifier '${record.identifier}' does not match the primary identifier [DomainName, EventStreamName] ('domain|stream').`);
    }
    const [domainName, eventStreamName] = parts;
    const denied = (message: string) => {
      this.denials.push(message);
      return fail('AccessDeniedException', message);
    };
    const own = await this.iam.authorize(record.accessKeyId, 'cloudformation:GetResource', '*');
    if (!own.allowed) {
      return denied(own.message);
    }
    // The read handler: GetEventStream (authorized before the service looks for the stream), then
    // DescribeStreamSummary of the destination, both with the caller's credentials.
    const account = this.iam.principalOf(record.accessKeyId)?.account ?? this.account;
    const domainArn = `arn:aws:profile:${this.region}:${account}:domains/${domainName}`;
    for (const resource of [domainArn, `${domainArn}/event-streams/${eventStreamName}`]) {
      const decision = await this.iam.authorize(record.accessKeyId, 'profile:GetEventStream', resource);
      if (!decision.allowed) {
        return denied(handlerDenial(decision.message, 'CustomerProfiles', 403));
      }
    }
    const stream = this.streams.get(record.identifier);
    if (stream) {
      const decision = await this.iam.authorize(record.accessKeyId, 'kinesis:DescribeStreamSummary', stream.destination.uri);
      if (!decision.allowed) {
        return denied(handlerDenial(decision.message, 'Kinesis', 400));
      }
    }
    if (!stream) {
      return fail('ResourceNotFoundException', `Resource of type '${EVENT_STREAM_TYPE}' with identifier '${record.identifier}' was not found.`);
    }
    return answer('ok', 200, {
      TypeName: EVENT_STREAM_TYPE,
      ResourceDescription: {
        Identifier: record.identifier,
        Properties: JSON.stringify(this.readModel(domainName, eventStreamName, stream)),
      },
    });
  }

  /** What the read handler builds from GetEventStream: absent members are left out. */
  private readModel(domainName: string, eventStreamName: string, s: StandInStream): Record<string, unknown> {
    const tags = Object.entries(s.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    return {
      DomainName: domainName,
      EventStreamName: eventStreamName,
      Uri: s.destination.uri,
      EventStreamArn: s.eventStreamArn ?? this.arnOf(domainName, eventStreamName),
      CreatedAt: instantString(s.createdAt),
      State: s.state,
      DestinationDetails: { Uri: s.destination.uri, Status: s.destination.status },
      ...(tags.length > 0 ? { Tags: tags } : {}),
    };
  }
}

/** A read handler's denial as Cloud Control relays it (the handler's SDK error, then its error code). */
function handlerDenial(message: string, service: string, status: number): string {
  return `${EVENT_STREAM_TYPE} Handler returned status FAILED: ${message} (Service: ${service}, Status Code: ${status}, Request ID: ${randomUUID()}) (HandlerErrorCode: AccessDenied, RequestToken: ${randomUUID()})`;
}

function identifierOf(domainName: string, eventStreamName: string): string {
  return `${domainName}|${eventStreamName}`;
}

/** Java's `Instant.toString`: ISO-8601 in UTC, fractions of a second only when there are any. */
export function instantString(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
