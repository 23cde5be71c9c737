import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Test } from 'mocha';
import { ARTIFACTS_ROOT } from './artifacts';
import { ensurePrerequisites, workbenchNotice, workbenchRequiredBy } from './ensurePrerequisites';
import { missingPrerequisites, type MissingPrerequisite } from './prerequisites';
import { closeSharedBrowser, shareOneBrowser } from './sharedBrowser';
import { endTest, resetTimings, startTest, timingReport } from './suiteTimings';

/**
 * Set by the global setup for the test processes that follow it (mocha's `--parallel` workers
 * inherit it): what is missing, as JSON, when the suite is skipped.
 */
const MISSING_ENV = 'AO_WORKBENCH_MISSING';
/** Set by the global setup: this run's id, so exactly one file of a skipped run lists the reason as a test. */
const RUN_ID_ENV = 'AO_WORKBENCH_RUN_ID';

/** The folder whose exclusive creation elects the one test file of a skipped run that lists the reason. */
const skipListedMarker = (): string => join(ARTIFACTS_ROOT, `.skip-listed-${process.env[RUN_ID_ENV] ?? process.pid}`);

/** The notice of a skipped suite, printed again after mocha's summary so it does not scroll away. */
let skipNotice: string | undefined;

/**
 * Runs once per mocha run, in the main process, before any test process starts: installs what is
 * missing (code-server into .cache/ on first use, Chromium as root, the build), then:
 *  - everything present: the tests run;
 *  - something still missing (offline, not root, another Node, AO_SKIP_WORKBENCH=1): a boxed notice
 *    on stderr and every test pending, behind one named after the reason;
 *  - the same under CI (anything but "false"/"0") or AO_REQUIRE_WORKBENCH=1: the setup fails with
 *    that notice, so CI can never pass on a skipped suite.
 * Installing here, not in a root hook, keeps parallel test processes from installing at once.
 */
export async function mochaGlobalSetup(): Promise<void> {
  resetTimings();
  process.env[RUN_ID_ENV] = randomUUID();
  const requiredBy = workbenchRequiredBy();
  const missing: MissingPrerequisite[] =
    process.env.AO_SKIP_WORKBENCH === '1'
      ? [{ problem: 'AO_SKIP_WORKBENCH=1 is set: the suite is skipped on request', fix: 'unset AO_SKIP_WORKBENCH' }]
      : await ensurePrerequisites();
  if (missing.length === 0) {
    delete process.env[MISSING_ENV];
    return;
  }
  const notice = workbenchNotice(missing, requiredBy);
  process.stderr.write(`\n${notice}\n\n`);
  if (requiredBy) throw new Error(`\n${notice}`);
  skipNotice = notice;
  process.env[MISSING_ENV] = JSON.stringify(missing);
}

/** Repeats the skip notice after mocha's "N pending" summary, and says where the suite's time went. */
export function mochaGlobalTeardown(): void {
  rmSync(skipListedMarker(), { recursive: true, force: true });
  const report = timingReport();
  if (report) process.stdout.write(`\n${report}\n`);
  if (skipNotice) process.stderr.write(`\n${skipNotice}\n\n`);
}

/** What the global setup found missing; without a global setup (e.g. `--no-global-setup`), what is missing now. */
function missingNow(): MissingPrerequisite[] {
  const recorded = process.env[MISSING_ENV];
  return recorded ? (JSON.parse(recorded) as MissingPrerequisite[]) : missingPrerequisites();
}

/** True for the first test file of this run to ask (across parallel processes, by an exclusive mkdir). */
function firstToAsk(): boolean {
  try {
    mkdirSync(ARTIFACTS_ROOT, { recursive: true });
    mkdirSync(skipListedMarker());
    return true;
  } catch {
    return false;
  }
}

/**
 * Mocha root hooks of the workbench suite (once per test file under `--parallel`): a skipped suite
 * marks every test pending; otherwise the sessions of this process share one Chromium, each in a
 * browser context of its own, and every test's time is recorded for the report at the end.
 */
export const mochaHooks = {
  beforeAll: function workbenchPrerequisites(this: Mocha.Context): void {
    const missing = missingNow();
    if (missing.length === 0) {
      shareOneBrowser();
      return;
    }
    const requiredBy = workbenchRequiredBy();
    if (requiredBy) throw new Error(`\n${workbenchNotice(missing, requiredBy)}`);
    if (!process.env[MISSING_ENV]) process.stderr.write(`\n${workbenchNotice(missing, requiredBy)}\n\n`);
    // A pending test named after the reason, listed first in mocha's output; skipping this
    // root hook then marks it and every workbench test pending.
    const root = this.test?.parent;
    if (firstToAsk()) {
      root?.tests.unshift(
        Object.assign(new Test(`SKIPPED (not run): ${missing.map((item) => item.problem).join('; ')}`), {
          parent: root,
        }),
      );
    }
    this.skip();
  },
  beforeEach(this: Mocha.Context): void {
    const test = this.currentTest;
    if (test) startTest(test.title, (test.file ?? '').replace(/^.*[\\/]/, ''));
  },
  afterEach(): void {
    endTest();
  },
  async afterAll(): Promise<void> {
    // A parallel worker keeps its Chromium for its next file; Playwright kills it when the worker exits.
    if (process.env.MOCHA_WORKER_ID === undefined) await closeSharedBrowser();
  },
};
