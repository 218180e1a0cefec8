import * as http from 'http';
import * as https from 'https';
import type * as net from 'net';
import { defaultPort, takeConnection } from './response-connection';
import { HANDLER_TIMING } from './timing';

/**
 * The CloudFormation response: a body that always fits the 4096-byte limit, and a PUT to the
 * presigned ResponseURL that is retried while time remains.
 */

/** CloudFormation rejects bodies of 4096 bytes or more; keep a margin. */
export const MAX_BODY_BYTES = 4000;
/** A Reason longer than this is cut first: it must leave room for the ids, which must not be emptied. */
export const MAX_REASON_BYTES = 1500;

/** What CloudFormation expects back. */
export interface CfnResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho: false;
  Data?: Record<string, string>;
}

/**
 * Serializes the response within MAX_BODY_BYTES by cutting only what can grow: the Reason is first
 * cut to MAX_REASON_BYTES; then the destination message, then the other attributes, then the Reason
 * again, each cut (with a marker) only as far as needed. The ids (StackId, RequestId,
 * LogicalResourceId, PhysicalResourceId) are never touched: CloudFormation matches them exactly, so
 * a response with a cut id is lost. CloudFormation bounds them (logical id 255 characters, physical
 * id 1 KB), which leaves room for a Reason and the attributes.
 */
export function renderBody(response: CfnResponse): string {
  const r: CfnResponse = { ...response, Data: response.Data ? { ...response.Data } : undefined };
  const size = () => Buffer.byteLength(JSON.stringify(r));
  truncateToFit(r.Reason, (v) => (r.Reason = v), () => Buffer.byteLength(JSON.stringify(r.Reason)), MAX_REASON_BYTES);
  const data = r.Data ?? {};
  // The destination message first (the longest and least needed), then the rest in their order.
  const keys = [...new Set(['DestinationMessage', ...Object.keys(data)])].filter((k) => k in data);
  for (const key of keys) {
    truncateToFit(data[key], (v) => (data[key] = v), size, MAX_BODY_BYTES);
  }
  truncateToFit(r.Reason, (v) => (r.Reason = v), size, MAX_BODY_BYTES);
  return JSON.stringify(r);
}

/**
 * When the value does not fit, sets the longest prefix of it (whole code points, plus a marker)
 * that does, or '' if none does. (The whole value plus a marker never fits: it is longer than the value.)
 */
function truncateToFit(value: string, set: (v: string) => void, size: () => number, limit: number): void {
  if (size() <= limit) {
    return;
  }
  const chars = Array.from(value);
  const candidate = (n: number) => `${chars.slice(0, n).join('')}...[truncated]`;
  let best = '';
  let low = 0;
  let high = chars.length;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    set(candidate(mid));
    if (size() <= limit) {
      best = candidate(mid);
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  set(best);
}

/** The edges the PUT uses: the HTTP request and time. Replaced in tests, which run on a virtual clock. */
export interface ResponseTransport {
  /** PUTs the body; resolves with the HTTP status, rejects on a network error or timeout. */
  put(url: string, body: string, timeoutMs: number): Promise<number>;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Sends the body with PUT, retrying network errors and 5xx answers until `deadline` (epoch ms). */
export async function putResponse(
  url: string,
  body: string,
  deadline: number,
  log: (message: string, fields?: object) => void,
  transport: ResponseTransport,
): Promise<boolean> {
  if (!isHttpUrl(url)) {
    log('response not sent: the ResponseURL is not an http(s) URL'); // no retry can fix that
    return false;
  }
  for (let attempt = 1; ; attempt++) {
    const timeLeft = deadline - transport.now();
    try {
      const status = await transport.put(url, body, Math.max(HANDLER_TIMING.putAttemptMinMs, Math.min(HANDLER_TIMING.putAttemptMaxMs, timeLeft)));
      if (status >= 200 && status < 300) {
        log('response sent', { attempt, status });
        return true;
      }
      log('response rejected', { attempt, status });
      if (status < 500) {
        return false; // a 4xx will not change on retry (expired or altered presigned URL)
      }
    } catch (error) {
      log('response not sent', { attempt, error: error instanceof Error ? error.message : String(error) });
    }
    const delay = HANDLER_TIMING.putBackoffBaseMs * 2 ** (attempt - 1);
    if (attempt >= HANDLER_TIMING.putMaxAttempts || transport.now() + delay + HANDLER_TIMING.putRetryHeadroomMs > deadline) {
      return false;
    }
    await transport.sleep(delay);
  }
}

function isHttpUrl(url: string): boolean {
  return URL.canParse(url) && ['https:', 'http:'].includes(new URL(url).protocol);
}

/**
 * One PUT of the body over HTTP(S), on the connection opened ahead when there is one
 * (lambda/response-connection.ts); resolves with the status, rejects on a network error or timeout.
 */
export function httpPut(url: string, body: string, timeoutMs: number, ahead: net.Socket | undefined = takeConnection(url)): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const transport = target.protocol === 'http:' ? http : https;
    const request = transport.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port || undefined,
        // Without an agent the default port is not known, and the Host header (which the presigned
        // signature covers) would carry one that the URL leaves out.
        defaultPort: defaultPort(target.protocol),
        // A socket of one's own gets no timeout from the request (an agent's or net.connect's would):
        // set here, or a server that never answers would hold the PUT until Lambda's own timeout.
        ...(ahead ? { createConnection: () => ahead.setTimeout(timeoutMs) } : {}),
        // Path and query as given (URL keeps their percent-encoding): the presigned signature covers them.
        path: `${target.pathname}${target.search}`,
        method: 'PUT',
        // S3 presigned URLs are signed without a content type; a length is required, chunking is not allowed.
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body); // a string is sent as UTF-8, the encoding Content-Length counts
  });
}
