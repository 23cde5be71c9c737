import { strict as assert } from 'node:assert';
import { request as httpRequest } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { DemoModelServer } from '../../../src/demo/demoModelServer';

/** A raw POST to `address:port`, with the headers a browser page or another machine could send. */
function post(
  address: string,
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: address, port, method: 'POST', path: '/v1/chat/completions', headers, timeout: 5000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(JSON.stringify({ messages: [{ role: 'user', content: 'Task plan: x' }] }));
  });
}

/** This machine's addresses that are not loopback. */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
    .map((a) => a!.address);
}

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('checklist 15: the local server listens on loopback only, needs a random token and rejects foreign Origins', () => {
  let server: DemoModelServer;
  let port: number;
  const own = (): Record<string, string> => ({
    host: `127.0.0.1:${port}`,
    authorization: `Bearer ${server.token}`,
    'content-type': 'application/json',
  });
  before(async () => {
    server = await DemoModelServer.start({ editDelayMs: 0, answerDelayMs: 0, chunkDelayMs: 0 });
    port = Number(new URL(server.baseUrl).port);
  });
  after(() => server.close());

  it('is the only server in src/: the offline demo model server', () => {
    const src = resolve(__dirname, '..', '..', '..', 'src');
    const servers = sources(src)
      .filter((file) => /\bcreate(Secure)?Server\(|\.listen\(|WebSocketServer/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file).split('\\').join('/'));
    assert.deepEqual(servers, ['demo/demoModelServer.ts'], 'a new server must be checked for line 15 too');
  });

  it('answers on 127.0.0.1 and is not reachable on any other address of this machine', async () => {
    assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
    assert.deepEqual(await post('127.0.0.1', port, own()), { status: 200 });
    for (const address of externalAddresses()) {
      const reply = await post(address, port, { ...own(), host: `${address}:${port}` });
      assert.deepEqual(reply, { error: 'ECONNREFUSED' }, `reached through ${address}`);
    }
  });

  it('uses a fresh random token per server and refuses requests without it', async () => {
    const other = await DemoModelServer.start();
    try {
      assert.notEqual(other.token, server.token);
      assert.match(server.token, /^demo-[0-9a-f]{48}$/, 'a 192-bit random token');
      const otherPort = Number(new URL(other.baseUrl).port);
      const withOthersToken = await post('127.0.0.1', otherPort, { ...own(), host: `127.0.0.1:${otherPort}` });
      assert.deepEqual(withOthersToken, { status: 401 }, "one server's token does not open another");
    } finally {
      await other.close();
    }
    const { authorization: _token, ...noToken } = own();
    assert.deepEqual(await post('127.0.0.1', port, noToken), { status: 401 });
  });

  it('rejects a foreign, opaque or look-alike Origin and a rebinding Host, even with the token', async () => {
    for (const origin of [
      'https://evil.example',
      'null',
      `http://127.0.0.1:${port}.evil.example`,
      'http://localhost',
    ]) {
      assert.deepEqual(await post('127.0.0.1', port, { ...own(), origin }), { status: 403 }, origin);
    }
    assert.deepEqual(await post('127.0.0.1', port, { ...own(), host: `evil.example:${port}` }), { status: 403 });
    assert.deepEqual(await post('127.0.0.1', port, { ...own(), origin: `http://127.0.0.1:${port}` }), { status: 200 });
  });
});
