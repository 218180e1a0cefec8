import { randomUUID } from 'crypto';
import * as http from 'http';
import * as https from 'https';
import { closeServer, listenOnLoopback, portOf } from './local-server';
import { selfSignedCertificate } from './tls';

/**
 * Stands in for the presigned S3 URL CloudFormation puts in ResponseURL, and is as strict as S3:
 * only PUT, only to the exact path and query it issued, with a Content-Length and no chunking.
 */

/** One PUT the receiver accepted. */
export interface ReceivedResponse {
  readonly body: string;
  readonly json: Record<string, any>;
  readonly headers: http.IncomingHttpHeaders;
}

/** A request the receiver refused, and why (as S3 would have). */
export interface RejectedRequest {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly code: string;
}

/** How long CloudFormation's presigned ResponseURL is valid (`X-Amz-Expires` in the events it sends). */
const RESPONSE_URL_EXPIRES_SECONDS = 7200;

export class ResponseReceiver {
  /**
   * Starts a receiver on 127.0.0.1 (HTTPS by default, plain HTTP for in-process unit tests); `now`
   * (epoch ms) is the clock that signs its URLs and expires them.
   */
  public static async start(options: { tls?: boolean; now?: () => number } = {}): Promise<ResponseReceiver> {
    const receiver = new ResponseReceiver(options.tls ?? true, options.now ?? Date.now);
    await listenOnLoopback(receiver.server);
    return receiver;
  }

  public readonly rejected: RejectedRequest[] = [];
  /** Connections accepted (TLS ones once their handshake is done): a PUT on a connection opened ahead adds none. */
  public connections = 0;
  private readonly server: http.Server;
  private readonly issued = new Map<string, ReceivedResponse[]>();
  private readonly expiries = new Map<string, number>();
  private readonly waiters = new Map<string, Array<(r: ReceivedResponse) => void>>();

  private constructor(private readonly tls: boolean, private readonly now: () => number) {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => this.handle(req, res);
    this.server = tls
      ? https.createServer({ key: selfSignedCertificate().key, cert: selfSignedCertificate().cert }, listener)
      : http.createServer(listener);
    this.server.on(tls ? 'secureConnection' : 'connection', () => this.connections++);
  }

  /** File to trust in child processes (NODE_EXTRA_CA_CERTS). */
  public get caFile(): string {
    return selfSignedCertificate().certFile;
  }

  /**
   * Issues a fresh URL shaped as CloudFormation's (a SigV4 presigned S3 URL: `X-Amz-Date` is when it
   * was signed, valid for `X-Amz-Expires` seconds); only that exact URL will be accepted, until it expires.
   */
  public issueUrl(): string {
    const port = portOf(this.server);
    const id = randomUUID();
    const signedAt = new Date(this.now());
    const amzDate = signedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, ''); // 20261207T050102Z
    const credential = encodeURIComponent(`AKIAIOSFODNN7EXAMPLE/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`);
    const query = [
      'X-Amz-Algorithm=AWS4-HMAC-SHA256',
      `X-Amz-Date=${amzDate}`,
      'X-Amz-SignedHeaders=host',
      `X-Amz-Expires=${RESPONSE_URL_EXPIRES_SECONDS}`,
      `X-Amz-Credential=${credential}`,
      `X-Amz-Signature=${id.replace(/-/g, '')}`,
    ].join('&');
    const pathAndQuery = `/cfn-response/${encodeURIComponent(`arn:aws:cloudformation:us-east-1:123456789012:stack/S/${id}|Lookup|${id}`)}?${query}`;
    this.issued.set(pathAndQuery, []);
    this.expiries.set(pathAndQuery, signedAt.getTime() + RESPONSE_URL_EXPIRES_SECONDS * 1000);
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${port}${pathAndQuery}`;
  }

  /** Every response accepted at `url`, in order (a correct handler sends exactly one). */
  public responsesFor(url: string): ReceivedResponse[] {
    return this.issued.get(pathOf(url)) ?? [];
  }

  /** The first response at `url`, waiting for it if needed. */
  public nextResponse(url: string, timeoutMs = 10_000): Promise<ReceivedResponse> {
    const existing = this.responsesFor(url)[0];
    if (existing) {
      return Promise.resolve(existing);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response at ${url} within ${timeoutMs} ms`)), timeoutMs);
      const key = pathOf(url);
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), (r) => { clearTimeout(timer); resolve(r); }]);
    });
  }

  public async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    const reject = (status: number, code: string) => {
      this.rejected.push({ method: req.method ?? '', url, status, code });
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`);
      req.resume();
    };
    if (req.method !== 'PUT') {
      return reject(405, 'MethodNotAllowed');
    }
    if (!this.issued.has(url)) {
      return reject(403, 'SignatureDoesNotMatch');
    }
    if (this.now() > this.expiries.get(url)!) {
      return reject(403, 'AccessDenied'); // S3: "Request has expired"
    }
    if (req.headers['transfer-encoding'] !== undefined) {
      return reject(501, 'NotImplemented');
    }
    const declared = req.headers['content-length'];
    if (declared === undefined) {
      return reject(411, 'MissingContentLength');
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (raw.length !== Number(declared)) {
        return reject(400, 'IncompleteBody');
      }
      const body = raw.toString('utf8');
      let json: Record<string, any>;
      try {
        json = JSON.parse(body);
      } catch {
        json = {};
      }
      const received = { body, json, headers: req.headers };
      this.issued.get(url)!.push(received);
      res.writeHead(200, { etag: '"0"' });
      res.end();
      for (const waiter of this.waiters.get(url) ?? []) {
        waiter(received);
      }
      this.waiters.delete(url);
    });
  }
}

function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}
