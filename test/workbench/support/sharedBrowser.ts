import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from './prerequisites';
import { CHROMIUM_ARGS } from './workbench';

/** A Chromium for one session, and how to let go of it when the session ends. */
export interface BrowserLease {
  browser: Browser;
  /** Closes the browser if the session launched its own; leaves a shared one running. */
  release(): Promise<void>;
}

/** The process's shared Chromium once {@link shareOneBrowser} was called; undefined until first asked for. */
let shared: Promise<Browser> | undefined;
let sharing = false;

/** Starts Debian's (or AO_CHROMIUM_PATH's) Chromium headless with the flags a sandbox-less container needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * From now on every session of this process runs in one Chromium, each in a browser context of its
 * own (its own storage, cache and service workers: what a fresh browser would give it). The test
 * runner calls it; a script that starts one session (the activation bench) does not, and gets a
 * browser of its own that closes with the session.
 */
export function shareOneBrowser(): void {
  sharing = true;
}

/** A browser for one session: the shared one (launched on first use, again if it died) or a fresh one. */
export async function leaseBrowser(): Promise<BrowserLease> {
  if (!sharing) {
    const own = await launchChromium();
    return { browser: own, release: () => own.close().catch(() => undefined) };
  }
  if (!shared) {
    const launching = launchChromium();
    shared = launching;
    launching.then(
      (browser) =>
        browser.on('disconnected', () => {
          if (shared === launching) shared = undefined;
        }),
      () => {
        if (shared === launching) shared = undefined;
      },
    );
  }
  return { browser: await shared, release: async () => undefined };
}

/** Closes the shared Chromium, if one is running; the next session launches a new one. */
export async function closeSharedBrowser(): Promise<void> {
  const browser = shared;
  shared = undefined;
  await (await browser?.catch(() => undefined))?.close().catch(() => undefined);
}
