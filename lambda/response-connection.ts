import * as net from 'net';
import * as tls from 'tls';
import { HANDLER_TIMING } from './timing';

/**
 * The response PUT's connection, opened ahead. While a lookup waits on Customer Profiles, the
 * connection to the ResponseURL's host (S3, in Lambda) resolves, connects and shakes hands, so the
 * PUT that ends the invocation skips all three. At most one connection, for one PUT; one older than
 * `HANDLER_TIMING.responseConnectionMaxAgeMs` is not trusted (the server may have closed it idle),
 * and whenever it cannot be used, the PUT connects as it would have anyway.
 */

interface OpenedAhead {
  readonly origin: string;
  readonly socket: net.Socket;
  readonly openedAt: number;
}

let opened: OpenedAhead | undefined;

/** Opens a connection to `url`'s host unless a recent one is open. Never throws: it is only a head start. */
export function connectAhead(url: string, now: number = Date.now()): void {
  try {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      return; // its PUT fails on its own
    }
    if (opened !== undefined && opened.origin === target.origin && usable(opened, now)) {
      return;
    }
    discardConnection();
    const socket = connect(target);
    // An error destroys the socket (the PUT then connects itself); unheard, it would crash the process.
    socket.on('error', () => undefined);
    opened = { origin: target.origin, socket, openedAt: now };
  } catch {
    // Only a head start: the PUT connects itself, and says why if it cannot.
  }
}

/** The connection opened ahead for `url`'s host, if it can still be used; taken, so no other request uses it. */
export function takeConnection(url: string, now: number = Date.now()): net.Socket | undefined {
  const taken = opened;
  opened = undefined;
  if (taken !== undefined && URL.canParse(url) && taken.origin === new URL(url).origin && usable(taken, now)) {
    return taken.socket;
  }
  taken?.socket.destroy();
  return undefined;
}

/** Closes a connection opened ahead that no PUT took. */
export function discardConnection(): void {
  opened?.socket.destroy();
  opened = undefined;
}

function usable(connection: OpenedAhead, now: number): boolean {
  // A destroyed socket, or one the server has ended, is no longer writable.
  return connection.socket.writable && now - connection.openedAt <= HANDLER_TIMING.responseConnectionMaxAgeMs;
}

/** What https.request would open for an http(s) URL: TLS verified against the host name (SNI unless an IP address), or plain TCP. */
function connect(target: URL): net.Socket {
  // A URL's hostname keeps an IPv6 literal's brackets; no other host name holds one.
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  const port = Number(target.port) || defaultPort(target.protocol);
  return target.protocol === 'https:' ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }) }) : net.connect({ host, port });
}

/** The port a URL without one means, which is also the one a Host header leaves out. */
export function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}
