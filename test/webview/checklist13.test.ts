import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useBrowserSuite } from './support/browserSuite';
import { leakyTask, snapshot } from './support/panelBuilders';
import { PanelPage } from './support/webviewPage';

describe('checklist 13: model text in the run panel makes no network request', function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();
  let listener: Server;
  let connections = 0;
  let port = 0;

  before(async () => {
    listener = createServer((_req, res) => res.end('x'));
    listener.on('connection', () => connections++);
    await new Promise<void>((done) => listener.listen(0, '127.0.0.1', done));
    port = (listener.address() as AddressInfo).port;
  });
  after(async () => {
    listener.closeAllConnections();
    await new Promise((done) => listener.close(done));
  });

  it('the listener counts a real request (control)', async () => {
    await new Promise<void>((done, fail) =>
      get(`http://127.0.0.1:${port}/control`, (r) => r.resume().on('end', done)).on('error', fail),
    );
    assert.equal(connections, 1);
    connections = 0;
  });

  it('renders ![x](…) and <img src=…> in a failure as text, with zero requests, also when re-rendered', async () => {
    const panel = await PanelPage.open(suite.browser, suite.server);
    try {
      const csp = await panel.page.getAttribute('meta[http-equiv=Content-Security-Policy]', 'content');
      assert.match(csp ?? '', /default-src 'none'/);
      assert.match(csp ?? '', /script-src 'nonce-[A-Za-z0-9+/=]{20,}'(;|$)/);
      assert.doesNotMatch(csp ?? '', /img-src[^;]*(https?:\/\/\*|\*)/);
      await panel.send(snapshot([leakyTask(port)]));
      await panel.page.locator('[data-task-id=leaky]').dblclick();
      await panel.page.locator('[data-testid=summary]').waitFor();
      const summary = await panel.page.locator('[data-testid=summary]').textContent();
      assert.match(summary ?? '', /!\[x\]\(http:\/\/127\.0\.0\.1:\d+\/leak\) <img src=/, 'shown as the text it is');
      // Re-render: the same history again, and a refreshed node.
      await panel.send(snapshot([leakyTask(port)]));
      await panel.page.locator('[data-task-id=leaky]').dblclick();
      await panel.page.locator('[data-testid=summary]').waitFor();
      assert.equal(await panel.page.locator('img').count(), 0, 'no <img> element exists');
      assert.equal(await panel.page.locator('b').count(), 0, 'no model HTML became an element');
      // Let any request the page might make reach the listener before counting.
      await panel.page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      assert.equal(connections, 0, `the page connected ${connections} times to the listener`);
      assert.deepEqual(panel.errors, []);
    } finally {
      await panel.page.close();
    }
  });
});
