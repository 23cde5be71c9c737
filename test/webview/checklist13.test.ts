import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useBrowserSuite } from './support/browserSuite';
import { editApproval, leakyTask, snapshot, taskView } from './support/panelBuilders';
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
      assert.match(
        summary ?? '',
        /Tests failed\. x <img src=http:\/\/127\.0\.0\.1:\d+\/leak2> <b>bold<\/b>/,
        'alt text, HTML as text',
      );
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

  /** Markdown and HTML a model might write to make the page fetch, navigate or run something. */
  const attacks = (place: string): string =>
    [
      `Report from the ${place}.`,
      `![x](http://127.0.0.1:${port}/${place}/md-image) and ![y][ref]`,
      `<img src=http://127.0.0.1:${port}/${place}/html-img onerror="window.__pwned='${place} onerror'">`,
      `[click me](javascript:window.__pwned='${place}-link') [site](http://127.0.0.1:${port}/${place}/link)`,
      `<svg onload="window.__pwned='${place} svg'"><image href="http://127.0.0.1:${port}/${place}/svg-image"/></svg>`,
      `<style>@import url(http://127.0.0.1:${port}/${place}/css); body { background: url(http://127.0.0.1:${port}/${place}/bg) }</style>`,
      `<iframe src="http://127.0.0.1:${port}/${place}/frame"></iframe>`,
      '',
      `[ref]: http://127.0.0.1:${port}/${place}/ref-image`,
    ].join('\n');

  it('renders Markdown in summary, failure, finding and approval summary with no request, element or script from it', async () => {
    const panel = await PanelPage.open(suite.browser, suite.server);
    try {
      const task = taskView('md', [], {
        status: 'failed',
        summary: attacks('summary'),
        attempts: [
          { attempt: 1, agentId: 'coder', startedAt: 0, endedAt: 1, outcome: 'failed', failure: attacks('failure') },
        ],
        findings: [attacks('finding')],
      });
      const approval = { ...editApproval('md:edit:src/md.ts:1', 'md'), diffSummary: attacks('approval') };
      await panel.send(snapshot([task], { approvals: [approval] }));
      await panel.page.locator('[data-task-id=md]').dblclick({ timeout: 5000 });
      for (const id of ['summary', 'failure', 'finding']) {
        const text = await panel.page.locator(`[data-testid=${id}]`).textContent();
        assert.ok(text?.includes(`Report from the ${id}.`), `${id} is rendered: ${text}`);
        assert.ok(text?.includes('<svg onload='), `${id}: raw HTML is shown as text`);
        assert.equal(
          await panel.page.locator(`[data-testid=${id}] .md-image`).count(),
          2,
          `${id}: images are alt text`,
        );
        // The link is shown (its text), but it has nowhere to go: clicking it does nothing.
        await panel.page.locator(`[data-testid=${id}] .md-link`, { hasText: 'click me' }).click({ timeout: 5000 });
      }
      await panel.page.locator('[data-testid=tab-approvals]').click();
      const approvalText = await panel.page.locator('[data-testid=approval-summary]').textContent();
      assert.ok(approvalText?.includes('Report from the approval.'), approvalText ?? '');
      await panel.page.locator('[data-testid=approval-summary] .md-link', { hasText: 'click me' }).click();
      await panel.page.locator('[data-testid=tab-graph]').click();
      await panel.page.locator('[data-testid=summary]').waitFor();

      const made = await panel.page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: string }).__pwned ?? null,
        images: document.querySelectorAll('img, image, iframe, object, embed').length,
        svgs: document.querySelectorAll('svg').length,
        styles: document.querySelectorAll('body style').length,
        anchors: document.querySelectorAll('a[href]').length,
        url: location.href,
      }));
      assert.deepEqual(
        { ...made, url: made.url.startsWith(suite.server.origin) },
        { pwned: null, images: 0, svgs: 1, styles: 0, anchors: 0, url: true },
        'only the graph is an <svg>; no image, frame, style or link element came from model text',
      );
      await panel.page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
      assert.equal(connections, 0, `the page connected ${connections} times to the listener`);
      assert.deepEqual(panel.errors, [], 'no CSP violation either: nothing even tried');
    } finally {
      await panel.page.close();
    }
  });
});
