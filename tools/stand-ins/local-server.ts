import * as http from 'http';
import { AddressInfo } from 'net';

/** Plumbing the stand-ins share: loopback only, a free port, and a stop that does not wait on idle sockets. */

/** A listener that gets the whole request body first (signatures cover it). */
export function withBody(handle: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => unknown): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, Buffer.concat(chunks), res));
  };
}

/** Listens on 127.0.0.1, on a port the system picks. */
export function listenOnLoopback(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

/** The port `listenOnLoopback` got. */
export function portOf(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}

/** Closes the server and every connection it holds, kept-alive or hanging. */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
