// One browser, one bundle server for a suite; skipped with a clear reason when Chromium is
// missing, failed instead under CI (like the workbench suite).
import type { Browser } from 'playwright-core';
import { bundleWebview, chromiumMissing, launchBrowser, WebviewServer } from './webviewPage';

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
