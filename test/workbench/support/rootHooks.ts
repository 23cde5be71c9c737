import { Test } from 'mocha';
import { ensurePrerequisites, workbenchNotice, workbenchRequiredBy } from './ensurePrerequisites';
import type { MissingPrerequisite } from './prerequisites';

/** The notice of a skipped suite, printed again after mocha's summary so it does not scroll away. */
let skipNotice: string | undefined;

/**
 * Mocha root hooks for the workbench suite. Before any test it installs what is missing
 * (code-server into .cache/ on first use, Chromium as root, the build), then:
 *  - everything present: the tests run;
 *  - something still missing (offline, not root, another Node, AO_SKIP_WORKBENCH=1): a boxed notice
 *    on stderr and every test pending, the first one named after the reason;
 *  - the same under CI (anything but "false"/"0") or AO_REQUIRE_WORKBENCH=1: the hook fails with
 *    that notice, so CI can never pass on a skipped suite.
 */
export const mochaHooks = {
  beforeAll: async function workbenchPrerequisites(this: Mocha.Context): Promise<void> {
    // A first install takes minutes; the suite's per-test timeout does not apply to it.
    this.timeout(30 * 60_000);
    const requiredBy = workbenchRequiredBy();
    const missing: MissingPrerequisite[] =
      process.env.AO_SKIP_WORKBENCH === '1'
        ? [{ problem: 'AO_SKIP_WORKBENCH=1 is set: the suite is skipped on request', fix: 'unset AO_SKIP_WORKBENCH' }]
        : await ensurePrerequisites();
    if (missing.length === 0) return;

    const notice = workbenchNotice(missing, requiredBy);
    process.stderr.write(`\n${notice}\n\n`);
    if (requiredBy) throw new Error(`\n${notice}`);

    skipNotice = notice;
    // A pending test named after the reason, listed first in mocha's output; skipping this
    // root hook then marks it and every workbench test pending.
    const root = this.test?.parent;
    root?.tests.unshift(
      Object.assign(new Test(`SKIPPED (not run): ${missing.map((item) => item.problem).join('; ')}`), {
        parent: root,
      }),
    );
    this.skip();
  },
};

/** Repeats the skip notice after mocha's "N pending" summary. */
export function mochaGlobalTeardown(): void {
  if (skipNotice) process.stderr.write(`\n${skipNotice}\n\n`);
}
