import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as tls from 'tls';
import { httpPut } from '../../lambda/respond';
import { connectAhead, defaultPort, discardConnection, takeConnection } from '../../lambda/response-connection';
import { HANDLER_TIMING } from '../../lambda/timing';
import { selfSignedCertificate } from '../../tools/stand-ins/tls';
import { startSilentServer } from '../fixtures/silent-server';

/**
 * The response's connection opened ahead (lambda/response-connection.ts), against real local
 * servers: which PUT uses it, which does not, and that a PUT never depends on it.
 */

interface Seen {
  connections: number;
  hosts: string[];
}

/** A plain HTTP server that answers every PUT with 200, counting connections and Host headers. */
async function server(host = '127.0.0.1'): Promise<{ url: (path?: string) => string; seen: Seen; close: () => Promise<void>; raw: http.Server }> {
  const seen: Seen = { connections: 0, hosts: [] };
  const raw = http.createServer((req, res) => {
    seen.hosts.push(String(req.headers.host));
    req.resume();
    req.on('end', () => res.end());
  });
  raw.on('connection', () => seen.connections++);
  await new Promise<void>((resolve) => raw.listen(0, host, resolve));
  const port = (raw.address() as net.AddressInfo).port;
  const authority = net.isIPv6(host) ? `[${host}]` : host;
  return {
    url: (p = '/r?X-Amz-Signature=s') => `http://${authority}:${port}${p}`,
    seen,
    raw,
    close: () => new Promise<void>((resolve) => {
      raw.closeAllConnections();
      raw.close(() => resolve());
    }),
  };
}

/** Lets the event loop run until `condition` holds (connections are asynchronous). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(condition()).toBe(true);
}

afterEach(() => discardConnection());

test('a PUT after connectAhead goes over the connection opened ahead, which was open before it started', async () => {
  const s = await server();
  try {
    connectAhead(s.url());
    await until(() => s.seen.connections === 1);
    await expect(httpPut(s.url(), '{}', 5_000)).resolves.toBe(200);
    expect(s.seen).toEqual({ connections: 1, hosts: [`127.0.0.1:${new URL(s.url()).port}`] });
  } finally {
    await s.close();
  }
});

test('one connection per host: a second connectAhead keeps the open one, and the PUT after it is the only one to use it', async () => {
  const s = await server();
  try {
    connectAhead(s.url());
    await until(() => s.seen.connections === 1);
    connectAhead(s.url('/other'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.seen.connections).toBe(1);
    await httpPut(s.url(), '{}', 5_000);
    expect(s.seen.connections).toBe(1);
    await httpPut(s.url(), '{}', 5_000);
    expect(s.seen.connections).toBe(2);
  } finally {
    await s.close();
  }
});

test('connectAhead to another host closes the first connection and opens one there', async () => {
  const a = await server();
  const b = await server();
  try {
    let closed = false;
    a.raw.on('connection', (socket: net.Socket) => socket.on('close', () => (closed = true)));
    connectAhead(a.url());
    await until(() => a.seen.connections === 1);
    connectAhead(b.url());
    await until(() => b.seen.connections === 1 && closed);
    await expect(httpPut(b.url(), '{}', 5_000)).resolves.toBe(200);
    expect([a.seen.connections, b.seen.connections]).toEqual([1, 1]);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a connection opened longer ago than responseConnectionMaxAgeMs is closed, not used', async () => {
  const s = await server();
  try {
    connectAhead(s.url(), 1_000);
    await until(() => s.seen.connections === 1);
    expect(takeConnection(s.url(), 1_000 + HANDLER_TIMING.responseConnectionMaxAgeMs + 1)).toBeUndefined();
    connectAhead(s.url(), 1_000);
    await until(() => s.seen.connections === 2);
    const socket = takeConnection(s.url(), 1_000 + HANDLER_TIMING.responseConnectionMaxAgeMs);
    expect(socket).toBeDefined();
    socket!.destroy();
  } finally {
    await s.close();
  }
});

test('an old connection is replaced by the next call; one for another host is closed, not used', async () => {
  const a = await server();
  const b = await server();
  try {
    connectAhead(a.url(), 0);
    await until(() => a.seen.connections === 1);
    connectAhead(a.url(), HANDLER_TIMING.responseConnectionMaxAgeMs + 1);
    await until(() => a.seen.connections === 2);
    expect(takeConnection(b.url(), HANDLER_TIMING.responseConnectionMaxAgeMs + 1)).toBeUndefined();
    await expect(httpPut(b.url(), '{}', 5_000)).resolves.toBe(200);
    expect(b.seen.connections).toBe(1);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a connection the server closed meanwhile is not used: the PUT connects anew and is answered', async () => {
  const s = await server();
  try {
    connectAhead(s.url());
    await until(() => s.seen.connections === 1);
    s.raw.closeAllConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(httpPut(s.url(), '{}', 5_000)).resolves.toBe(200);
    expect(s.seen.connections).toBe(2);
  } finally {
    await s.close();
  }
});

test('a host that refuses the connection ahead changes nothing: no error escapes, and the PUT fails as it would have', async () => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const url = `http://127.0.0.1:${port}/r`;
  connectAhead(url);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await expect(httpPut(url, '{}', 2_000)).rejects.toThrow(/ECONNREFUSED/);
  connectAhead(url);
  expect(() => connectAhead('not a url')).not.toThrow();
  expect(takeConnection('not a url')).toBeUndefined();
  expect(() => connectAhead('ftp://example.com/r')).not.toThrow();
  expect(takeConnection('ftp://example.com/r')).toBeUndefined();
});

test('discardConnection closes a connection no PUT took', async () => {
  const s = await server();
  try {
    let closed = false;
    s.raw.on('connection', (socket: net.Socket) => socket.on('close', () => (closed = true)));
    connectAhead(s.url());
    await until(() => s.seen.connections === 1);
    discardConnection();
    await until(() => closed);
    expect(takeConnection(s.url())).toBeUndefined();
  } finally {
    await s.close();
  }
});

test('a PUT on a connection opened ahead still times out when no answer comes', async () => {
  const silent = await startSilentServer();
  try {
    const socket = net.connect(silent.port, '127.0.0.1');
    await expect(httpPut(`http://127.0.0.1:${silent.port}/r`, '{}', 300, socket)).rejects.toThrow('no answer within 300 ms');
  } finally {
    await silent.close();
  }
});

test('an IPv6 literal host: connected without its brackets', async () => {
  const s = await server('::1');
  try {
    connectAhead(s.url());
    await until(() => s.seen.connections === 1);
    await expect(httpPut(s.url(), '{}', 5_000)).resolves.toBe(200);
    expect(s.seen.connections).toBe(1);
  } finally {
    await s.close();
  }
});

test('over TLS it shakes hands as https.request would: the host name as SNI, none for an IP address', async () => {
  const { key, cert } = selfSignedCertificate();
  const context = tls.createSecureContext({ key, cert });
  const names: string[] = [];
  let connections = 0;
  const secure = tls.createServer({ key, cert, SNICallback: (name, done) => { names.push(name); done(null, context); } });
  secure.on('tlsClientError', () => undefined); // this process does not trust the certificate
  secure.on('connection', () => connections++);
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  const port = (secure.address() as net.AddressInfo).port;
  try {
    connectAhead(`https://localhost:${port}/r`);
    await until(() => names.length === 1);
    connectAhead(`https://127.0.0.1:${port}/r`);
    await until(() => connections === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(names).toEqual(['localhost']);
  } finally {
    discardConnection();
    await new Promise<void>((resolve) => secure.close(() => resolve()));
  }
});

test('the default ports: what a URL without one means, and what the Host header leaves out', () => {
  expect([defaultPort('https:'), defaultPort('http:')]).toEqual([443, 80]);
});

describe('the Host header on a connection opened ahead is the one the URL signs', () => {
  test('over HTTP: no port for a URL without one', async () => {
    const s = await server();
    try {
      const socket = net.connect((s.raw.address() as net.AddressInfo).port, '127.0.0.1');
      await expect(httpPut('http://bucket.example/r?X-Amz-Signature=s', '{}', 5_000, socket)).resolves.toBe(200);
      expect(s.seen.hosts).toEqual(['bucket.example']);
    } finally {
      await s.close();
    }
  });

  test('over TLS: no port for a URL without one, and the connection is verified like https.request\'s', async () => {
    const { key, cert, certFile } = selfSignedCertificate();
    const hosts: string[] = [];
    const secure = https.createServer({ key, cert }, (req, res) => {
      hosts.push(String(req.headers.host));
      req.resume();
      req.on('end', () => res.end());
    });
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const port = (secure.address() as net.AddressInfo).port;
    try {
      const trusted = tls.connect({ host: '127.0.0.1', port, ca: fs.readFileSync(certFile) });
      await expect(httpPut('https://bucket.example/r?X-Amz-Signature=s', '{}', 5_000, trusted)).resolves.toBe(200);
      expect(hosts).toEqual(['bucket.example']);
      // connectAhead verifies the certificate as https.request does: this process does not trust it.
      const url = `https://127.0.0.1:${port}/r`;
      connectAhead(url);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(takeConnection(url)).toBeUndefined();
    } finally {
      secure.closeAllConnections();
      await new Promise<void>((resolve) => secure.close(() => resolve()));
    }
  });
});
