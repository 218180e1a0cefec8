import { randomUUID } from 'crypto';
import * as http from 'http';
import { closeServer, listenOnLoopback, portOf, withBody } from './local-server';
import { verifySigV4 } from './sigv4';
import { RateLimit, TokenBucket } from './token-bucket';
import { IamWorld } from '../iam/world';

/**
 * A local stand-in for Customer Profiles' GetEventStream (and ListEventStreams, below), faithful to the wire: REST-JSON,
 * `GET /domains/{DomainName}/event-streams/{EventStreamName}`, epoch-second timestamps, the error
 * type in `x-amzn-errortype`, the operation's five errors with their status codes, and SigV4
 * signatures checked for the `profile` signing name. Per stream, answers can be scripted: a
 * sequence of answers, delays, and requests that never get an answer. An account-wide token bucket
 * (`rateLimit`) answers ThrottlingException (429) beyond a rate and a burst, as the service does.
 * Every call is authorized first, as the service does, against the signer's policies in the IAM world
 * (tools/iam/): `profile:GetEventStream` on both the domain's and the event stream's ARN (the Service
 * Authorization Reference requires both resource types), in the signer's account; a denial is
 * answered 403 `AccessDeniedException` with IAM's message.
 */

/** The five errors GetEventStream declares, with the status codes the service model gives them. */
export const ERROR_STATUS = {
  BadRequestException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ThrottlingException: 429,
  InternalServerException: 500,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;

/** An event stream as the stand-in stores it. */
export interface StandInStream {
  readonly eventStreamArn?: string;
  readonly createdAt: Date;
  readonly state: 'RUNNING' | 'STOPPED';
  readonly stoppedSince?: Date;
  readonly destination: {
    readonly uri: string;
    readonly status: 'HEALTHY' | 'UNHEALTHY';
    readonly unhealthySince?: Date;
    readonly message?: string;
  };
  readonly tags?: Record<string, string>;
}

/** One scripted answer to one request. */
export type ScriptedAnswer =
  /** Answer from the stored stream (or 404 if there is none). */
  | { readonly kind: 'stored' }
  /** Answer with one of the operation's errors. */
  | { readonly kind: 'error'; readonly type: ErrorType; readonly message?: string }
  /** Wait, then give the next answer. */
  | { readonly kind: 'delay'; readonly ms: number; readonly then: ScriptedAnswer }
  /** Accept the request and never answer it. */
  | { readonly kind: 'hang' }
  /** Answer with exactly this (odd fields, wrong types): for robustness tests. */
  | { readonly kind: 'raw'; readonly status: number; readonly body: string; readonly headers?: Record<string, string> };

/** What the stand-in saw of one request. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly domainName?: string;
  readonly eventStreamName?: string;
  readonly signingProblem?: string;
  /** Refused by the account's rate limit (429 ThrottlingException). */
  readonly throttled?: boolean;
  /** Access key that signed the request. */
  readonly accessKeyId?: string;
  /** IAM's message when the call was denied (403 AccessDeniedException). */
  readonly denied?: string;
  readonly userAgent?: string;
  /** When it arrived (ms since the epoch). */
  readonly receivedAt?: number;
}


const ROUTE = /^\/domains\/([^/]+)\/event-streams\/([^/]+)$/;
/** ListEventStreams: `GET /domains/{DomainName}/event-streams?max-results=N&next-token=T` (paginated, MaxResults 1-100). */
const LIST_ROUTE = /^\/domains\/([^/]+)\/event-streams$/;

export class CustomerProfilesStandIn {
  /** Starts the stand-in on 127.0.0.1 on a free port. */
  public static async start(options: { region?: string; account?: string; iam?: IamWorld } = {}): Promise<CustomerProfilesStandIn> {
    const account = options.account ?? '123456789012';
    const standIn = new CustomerProfilesStandIn(options.region ?? 'us-east-1', account, options.iam ?? new IamWorld(account));
    await listenOnLoopback(standIn.server);
    return standIn;
  }

  public readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;
  private readonly domains = new Map<string, Map<string, StandInStream>>();
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  private readonly hanging = new Set<http.ServerResponse>();
  private bucket?: TokenBucket;

  private constructor(public readonly region: string, public readonly account: string, public readonly iam: IamWorld) {
    this.server = http.createServer(withBody((req, body, res) => this.handle(req, body, res)));
  }

  /** The endpoint to give the SDK (`AWS_ENDPOINT_URL_CUSTOMER_PROFILES`). */
  public get endpoint(): string {
    return `http://127.0.0.1:${portOf(this.server)}`;
  }

  /**
   * Limits every GetEventStream of the account (all domains, streams and callers) to a token bucket:
   * `burst` calls at once, refilled at `requestsPerSecond`; a call without a token gets 429
   * ThrottlingException and takes none. `undefined` lifts the limit. `now` (ms) is for tests.
   */
  public rateLimit(limit: RateLimit | undefined, now: () => number = () => performance.now()): this {
    this.bucket = limit && new TokenBucket(limit, now);
    return this;
  }

  /** Requests the rate limit refused. */
  public get throttledRequests(): number {
    return this.requests.filter((r) => r.throttled).length;
  }

  /** Creates an empty domain. */
  public addDomain(domainName: string): this {
    if (!this.domains.has(domainName)) {
      this.domains.set(domainName, new Map());
    }
    return this;
  }

  /** Stores (or replaces) a stream; its domain is created if needed. */
  public putStream(domainName: string, eventStreamName: string, stream: StandInStream): this {
    this.addDomain(domainName).domains.get(domainName)!.set(eventStreamName, stream);
    return this;
  }

  /** Removes a stream. */
  public deleteStream(domainName: string, eventStreamName: string): this {
    this.domains.get(domainName)?.delete(eventStreamName);
    return this;
  }

  /** The next requests for this stream get these answers, in order; then the stored stream again. */
  public script(domainName: string, eventStreamName: string, ...answers: ScriptedAnswer[]): this {
    this.scripts.set(key(domainName, eventStreamName), [...(this.scripts.get(key(domainName, eventStreamName)) ?? []), ...answers]);
    return this;
  }

  /** ARN the service would give this stream. */
  public arnOf(domainName: string, eventStreamName: string): string {
    return `arn:aws:profile:${this.region}:${this.account}:domains/${domainName}/event-streams/${eventStreamName}`;
  }

  /** Requests for one stream. */
  public requestsFor(domainName: string, eventStreamName: string): RecordedRequest[] {
    return this.requests.filter((r) => r.domainName === domainName && r.eventStreamName === eventStreamName);
  }

  public async stop(): Promise<void> {
    for (const res of this.hanging) {
      res.destroy();
    }
    await closeServer(this.server);
  }

  /** ListEventStreams requests, by domain. */
  public listRequestsFor(domainName: string): RecordedRequest[] {
    return this.requests.filter((r) => r.domainName === domainName && r.eventStreamName === undefined);
  }

  private async handle(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<void> {
    const [path, query = ''] = (req.url ?? '/').split('?');
    const list = LIST_ROUTE.exec(path);
    if (list) {
      return this.handleList(req, body, res, path, decodeURIComponent(list[1]), new URLSearchParams(query));
    }
    const route = ROUTE.exec(path);
    const domainName = route ? decodeURIComponent(route[1]) : undefined;
    const eventStreamName = route ? decodeURIComponent(route[2]) : undefined;
    const problem = await verifySigV4(req, body, { credentials: this.iam.credentials(), service: 'profile', region: this.region });
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const denied = !problem && route !== null && req.method === 'GET' ? await this.authorize(accessKeyId!, domainName!, eventStreamName!) : undefined;
    const throttled = !problem && !denied && route !== null && req.method === 'GET' && !this.takeToken();
    this.requests.push({
      method: req.method ?? '',
      path,
      domainName,
      eventStreamName,
      signingProblem: problem?.type,
      ...(throttled ? { throttled } : {}),
      ...(denied ? { denied } : {}),
      accessKeyId,
      userAgent: req.headers['user-agent'],
      receivedAt: Date.now(),
    });
    if (problem) {
      return this.sendError(res, problem.type, 403, problem.message);
    }
    if (!route || req.method !== 'GET') {
      return this.sendError(res, 'UnknownOperationException', 404, `No operation for ${req.method} ${path}`);
    }
    if (denied) {
      return this.sendError(res, 'AccessDeniedException', ERROR_STATUS.AccessDeniedException, denied);
    }
    if (throttled) {
      return this.sendError(res, 'ThrottlingException', ERROR_STATUS.ThrottlingException, 'Rate exceeded');
    }
    const script = this.scripts.get(key(domainName!, eventStreamName!));
    const answer = script?.shift() ?? { kind: 'stored' };
    await this.answer(res, answer, domainName!, eventStreamName!);
  }

  /**
   * IAM's message if the signer may not call GetEventStream on this domain and stream (in the
   * signer's own account: the service reads the caller's domains), else undefined.
   */
  private async authorize(accessKeyId: string, domainName: string, eventStreamName: string): Promise<string | undefined> {
    const account = this.iam.principalOf(accessKeyId)?.account ?? this.account;
    const domainArn = `arn:aws:profile:${this.region}:${account}:domains/${domainName}`;
    for (const resource of [domainArn, `${domainArn}/event-streams/${eventStreamName}`]) {
      const decision = await this.iam.authorize(accessKeyId, 'profile:GetEventStream', resource);
      if (!decision.allowed) {
        return decision.message;
      }
    }
    return undefined;
  }

  /**
   * IAM's message if the signer may not call ListEventStreams on this domain (the Service
   * Authorization Reference gives the action one resource type, `domains`), else undefined.
   */
  private async authorizeList(accessKeyId: string, domainName: string): Promise<string | undefined> {
    const account = this.iam.principalOf(accessKeyId)?.account ?? this.account;
    const decision = await this.iam.authorize(accessKeyId, 'profile:ListEventStreams', `arn:aws:profile:${this.region}:${account}:domains/${domainName}`);
    return decision.allowed ? undefined : decision.message;
  }

  /**
   * ListEventStreams as the service model gives it: every stream of the domain as an
   * EventStreamSummary (DomainName, EventStreamName, EventStreamArn, State, StoppedSince,
   * DestinationSummary {Uri, Status, UnhealthySince}, Tags), in pages of MaxResults (default 100),
   * NextToken while more remain; 404 for an unknown domain, 400 for a MaxResults out of 1-100 or a
   * token it did not issue. Scripted answers for the domain (`scriptList`) come first; the account's
   * rate limit applies as for GetEventStream.
   */
  private async handleList(
    req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, path: string, domainName: string, query: URLSearchParams,
  ): Promise<void> {
    const problem = await verifySigV4(req, body, { credentials: this.iam.credentials(), service: 'profile', region: this.region });
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
    const denied = !problem && req.method === 'GET' ? await this.authorizeList(accessKeyId!, domainName) : undefined;
    const throttled = !problem && !denied && req.method === 'GET' && !this.takeToken();
    this.requests.push({
      method: req.method ?? '',
      path,
      domainName,
      signingProblem: problem?.type,
      ...(throttled ? { throttled } : {}),
      ...(denied ? { denied } : {}),
      accessKeyId,
      userAgent: req.headers['user-agent'],
      receivedAt: Date.now(),
    });
    if (problem) {
      return this.sendError(res, problem.type, 403, problem.message);
    }
    if (req.method !== 'GET') {
      return this.sendError(res, 'UnknownOperationException', 404, `No operation for ${req.method} ${path}`);
    }
    if (denied) {
      return this.sendError(res, 'AccessDeniedException', ERROR_STATUS.AccessDeniedException, denied);
    }
    if (throttled) {
      return this.sendError(res, 'ThrottlingException', ERROR_STATUS.ThrottlingException, 'Rate exceeded');
    }
    const scripted = this.scripts.get(listKey(domainName))?.shift();
    if (scripted && scripted.kind !== 'stored') {
      return this.answer(res, scripted, domainName, '');
    }
    const domain = this.domains.get(domainName);
    if (!domain) {
      return this.sendError(res, 'ResourceNotFoundException', 404, `Domain ${domainName} not found`);
    }
    const max = query.has('max-results') ? Number(query.get('max-results')) : 100;
    if (!Number.isInteger(max) || max < 1 || max > 100) {
      return this.sendError(res, 'BadRequestException', 400, `MaxResults ${query.get('max-results')} is not between 1 and 100`);
    }
    const names = [...domain.keys()].sort();
    const token = query.get('next-token');
    const start = token === null ? 0 : names.indexOf(Buffer.from(token, 'base64url').toString('utf8'));
    if (start < 0) {
      return this.sendError(res, 'BadRequestException', 400, 'Invalid NextToken');
    }
    const page = names.slice(start, start + max);
    const next = names[start + max];
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
    res.end(JSON.stringify(omitUndefined({
      Items: page.map((name) => this.summaryShape(domainName, name, domain.get(name)!)),
      NextToken: next === undefined ? undefined : Buffer.from(next, 'utf8').toString('base64url'),
    })));
  }

  /** The next ListEventStreams requests of this domain get these answers, in order; then the stored streams. */
  public scriptList(domainName: string, ...answers: ScriptedAnswer[]): this {
    this.scripts.set(listKey(domainName), [...(this.scripts.get(listKey(domainName)) ?? []), ...answers]);
    return this;
  }

  /** The EventStreamSummary shape on the wire (no CreatedAt, no Message: the model's summary has neither). */
  private summaryShape(domainName: string, eventStreamName: string, s: StandInStream): Record<string, unknown> {
    return omitUndefined({
      DomainName: domainName,
      EventStreamName: eventStreamName,
      EventStreamArn: s.eventStreamArn ?? this.arnOf(domainName, eventStreamName),
      State: s.state,
      StoppedSince: epochSeconds(s.stoppedSince),
      DestinationSummary: omitUndefined({
        Uri: s.destination.uri,
        Status: s.destination.status,
        UnhealthySince: epochSeconds(s.destination.unhealthySince),
      }),
      Tags: s.tags,
    });
  }

  /** Takes a token from the account's bucket (GetEventStream's rate limit); false when empty. */
  private takeToken(): boolean {
    return this.bucket?.take() ?? true;
  }

  private async answer(res: http.ServerResponse, answer: ScriptedAnswer, domainName: string, eventStreamName: string): Promise<void> {
    switch (answer.kind) {
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, answer.ms));
        return this.answer(res, answer.then, domainName, eventStreamName);
      case 'hang':
        this.hanging.add(res);
        return;
      case 'raw':
        res.writeHead(answer.status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...answer.headers });
        res.end(answer.body);
        return;
      case 'error':
        return this.sendError(res, answer.type, ERROR_STATUS[answer.type], answer.message ?? `${answer.type} (scripted)`);
      case 'stored': {
        const domain = this.domains.get(domainName);
        if (!domain) {
          return this.sendError(res, 'ResourceNotFoundException', 404, `Domain ${domainName} not found`);
        }
        const stream = domain.get(eventStreamName);
        if (!stream) {
          return this.sendError(res, 'ResourceNotFoundException', 404, `Event stream ${eventStreamName} not found in domain ${domainName}`);
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(this.wireShape(domainName, eventStreamName, stream)));
        return;
      }
    }
  }

  /** The GetEventStreamResponse shape on the wire: absent members are omitted, times are epoch seconds. */
  private wireShape(domainName: string, eventStreamName: string, s: StandInStream): Record<string, unknown> {
    return omitUndefined({
      DomainName: domainName,
      EventStreamArn: s.eventStreamArn ?? this.arnOf(domainName, eventStreamName),
      CreatedAt: epochSeconds(s.createdAt),
      State: s.state,
      StoppedSince: epochSeconds(s.stoppedSince),
      DestinationDetails: omitUndefined({
        Uri: s.destination.uri,
        Status: s.destination.status,
        UnhealthySince: epochSeconds(s.destination.unhealthySince),
        Message: s.destination.message,
      }),
      Tags: s.tags,
    });
  }

  private sendError(res: http.ServerResponse, type: string, status: number, message: string): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.profile/`,
      'x-amzn-requestid': randomUUID(),
    });
    res.end(JSON.stringify({ Message: message }));
  }
}

function key(domainName: string, eventStreamName: string): string {
  return `${domainName}/${eventStreamName}`;
}

function listKey(domainName: string): string {
  return `${domainName}/ (list)`;
}

function epochSeconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime() / 1000;
}

function omitUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
