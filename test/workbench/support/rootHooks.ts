import { missingPrerequisites } from './prerequisites';

/**
 * Mocha root hooks for the workbench suite: it fails at once, with what to run, when code-server,
 * Chromium or the build is missing. CI must never skip it silently; AO_SKIP_WORKBENCH=1 is the
 * explicit, loudly reported opt-out for machines that cannot run a browser.
 */
export const mochaHooks = {
  beforeAll(this: Mocha.Context): void {
    if (process.env.AO_SKIP_WORKBENCH === '1') {
      const bar = '!'.repeat(78);
      process.stderr.write(
        `\n${bar}\n!! AO_SKIP_WORKBENCH=1: the real-VS Code workbench tests are SKIPPED.\n!! Nothing here proves the extension works in VS Code. Unset it before merging.\n${bar}\n\n`,
      );
      this.skip();
    }
    const missing = missingPrerequisites();
    if (missing.length > 0) {
      throw new Error(
        `The workbench tests cannot run:\n  - ${missing.join('\n  - ')}\n(AO_SKIP_WORKBENCH=1 skips them explicitly.)`,
      );
    }
  },
};
