import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that reached the listener. */
export interface EvilHit {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * The attacker's server: a loopback HTTP listener on a random port that records every TCP
 * connection and every request reaching it. An attack test asserts it saw nothing.
 */
export class EvilListener {
  /** Requests received, in arrival order. */
  readonly hits: EvilHit[] = [];
  /** TCP connections accepted, also those that never sent a whole request (`nc`, a bare socket). */
  connections = 0;

  private constructor(private readonly server: Server) {}

  /** Starts the listener on 127.0.0.1 and a random port. */
  static async start(): Promise<EvilListener> {
    const server = createServer();
    const listener = new EvilListener(server);
    server.on('connection', () => listener.connections++);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        listener.hits.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return listener;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** What reached it, for an assertion message. */
  describe(): string {
    return `${this.connections} connection(s), ${this.hits.length} request(s): ${JSON.stringify(this.hits.map((h) => `${h.method} ${h.url}`))}`;
  }

  /** Stops listening and cuts open connections. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
