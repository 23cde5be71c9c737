// One browser, one bundle server for a suite; skipped with a clear reason when Chromium is
// missing, failed instead under CI (like the workbench suite).
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { bundleWebview, chromiumMissing, launchBrowser, PanelPage, WebviewServer } from './webviewPage';

/** What the tests of a suite share. */
export interface BrowserSuite {
  browser: Browser;
  server: WebviewServer;
}

/** Registers before/after hooks; the returned object is filled in before the first test. */
export function useBrowserSuite(): BrowserSuite {
  const suite = {} as BrowserSuite;
  before(async function () {
    this.timeout(60_000);
    const missing = chromiumMissing();
    if (missing) {
      const ci = process.env.CI !== undefined && process.env.CI !== 'false' && process.env.CI !== '0';
      if (ci) throw new Error(`The webview tests need Chromium under CI: ${missing}.`);
      process.stderr.write(`\nWebview tests skipped: ${missing}.\n`);
      this.skip();
    }
    suite.server = await WebviewServer.start(await bundleWebview());
    suite.browser = await launchBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/**
 * A fresh panel page for every test of the suite, made ready by `setUp`; after the test the page is
 * closed, and the test fails if the page reported an error (a CSP violation shows up there).
 */
export function usePanelPage(suite: BrowserSuite, setUp?: (panel: PanelPage) => Promise<void>): () => PanelPage {
  let current: PanelPage | undefined;
  beforeEach(async () => {
    current = await PanelPage.open(suite.browser, suite.server);
    await setUp?.(current);
  });
  afterEach(async () => {
    const panel = current;
    current = undefined;
    if (!panel) return;
    assert.deepEqual(panel.errors, [], 'the page reported errors (a CSP violation shows up here)');
    await panel.page.close();
  });
  return () => {
    if (!current) throw new Error('The panel page exists only inside a test.');
    return current;
  };
}
