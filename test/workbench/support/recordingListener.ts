import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that reached a recording listener. */
export interface ListenedRequest {
  method: string;
  path: string;
  /** The `authorization` header as sent (the test compares it with the key it gave). */
  authorization?: string;
}

/**
 * A loopback HTTP listener that records every request and answers 401, so a client never gets a
 * usable reply from it. Used where a test must prove that nothing, or only something allowed,
 * reached a host.
 */
export class RecordingListener {
  private constructor(
    /** Every request, in arrival order. */
    readonly requests: readonly ListenedRequest[],
    private readonly server: Server,
    /** The port on 127.0.0.1. */
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 on a random port. */
  static async start(): Promise<RecordingListener> {
    const requests: ListenedRequest[] = [];
    const server = createServer((req, res) => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'recording listener', type: 'invalid_request_error' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new RecordingListener(requests, server, (server.address() as AddressInfo).port);
  }

  /** Stops listening and cuts open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
