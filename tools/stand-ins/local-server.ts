import * as http from 'http';
import { AddressInfo } from 'net';

/** Plumbing the stand-ins share: loopback only, a free port, and a stop that does not wait on idle sockets. */

/** A listener that gets the whole request body first (signatures cover it). */
export function withBody(handle: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => unknown): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // A stand-in that throws (the IAM evaluator refusing a request or a policy as invalid) answers
      // 500 with the reason, so that the failure shows where it happened instead of a hung request.
      Promise.resolve()
        .then(() => handle(req, Buffer.concat(chunks), res))
        .catch((error: unknown) => {
          if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'StandInFailure' });
          }
          res.end(JSON.stringify({ Message: `stand-in failure: ${error instanceof Error ? error.message : String(error)}` }));
        });
    });
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
