import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { loadVerifiedCliRunOptions, saveCliRunOptions } from '../../../src/cli/cliRunOptions';
import { helpText } from '../../../src/cli/helpText';
import { UsageError } from '../../../src/cli/usageError';
import { limitsFor, parseGateThresholds } from '../../../src/core/verify/gateThresholds';

describe('CLI limits of the gates: --max-errors, --max-warnings, --max-failing-tests, --threshold, --repair-attempts', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'ao-limits-'));
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  const run = (...flags: string[]) =>
    parseCliArgs(['run', 'g', '--verify', 'npm test', '--verify', 'npm run lint', ...flags], cwd);

  it('reads limits for every check and for one check, as the settings write them', () => {
    const args = run(
      '--max-errors',
      '2',
      '--max-warnings',
      'any',
      '--max-failing-tests',
      '0',
      '--threshold',
      'npm run lint=warnings:20,errors:0',
      '--threshold',
      'npm run lint=failing-tests:any',
      '--repair-attempts',
      '0',
    );
    assert.ok(args.kind === 'run');
    assert.deepEqual(args.thresholds, {
      errors: 2,
      warnings: null,
      failingTests: 0,
      checks: { 'npm run lint': { warnings: 20, errors: 0, failingTests: null } },
    });
    assert.equal(args.repairAttempts, 0);
    const thresholds = parseGateThresholds(args.thresholds);
    assert.deepEqual(limitsFor(thresholds, 'npm run lint'), {
      errors: 0,
      warnings: 20,
      failingTests: Number.POSITIVE_INFINITY,
    });
    assert.deepEqual(limitsFor(thresholds, 'npm test'), {
      errors: 2,
      warnings: Number.POSITIVE_INFINITY,
      failingTests: 0,
    });
  });

  it('leaves the defaults to the engine when no limit is given', () => {
    const args = run();
    assert.ok(args.kind === 'run');
    assert.equal(args.thresholds, undefined);
    assert.equal(args.repairAttempts, undefined);
  });

  it('a check name may contain "=": the limits follow the last one', () => {
    const args = parseCliArgs(['run', 'g', '--verify', 'CI=1 npm test', '--threshold', 'CI=1 npm test=errors:1'], cwd);
    assert.ok(args.kind === 'run');
    assert.deepEqual(args.thresholds, { checks: { 'CI=1 npm test': { errors: 1 } } });
  });

  it('refuses bad limits with a message that says what to type', () => {
    const usage = (flags: string[], pattern: RegExp) =>
      assert.throws(
        () => run(...flags),
        (err: unknown) => err instanceof UsageError && pattern.test(err.message),
      );
    usage(['--max-errors', '-1'], /--max-errors must be a whole number of at least 0, or "any" for no limit; got "-1"/);
    usage(['--max-warnings', 'lots'], /--max-warnings must be a whole number/);
    usage(
      ['--threshold', 'npm run build=errors:1'],
      /"npm run build", which is not a --verify check; the checks are: "npm test", "npm run lint"/,
    );
    usage(
      ['--threshold', 'npm test=failures:1'],
      /"failures:1" is not a limit; use errors:N, warnings:N or failing-tests:N/,
    );
    usage(['--threshold', 'npm test'], /must name a check and its limits/);
    usage(['--repair-attempts', '9'], /--repair-attempts must be a whole number from 0 to 5; got "9"/);
    assert.throws(
      () => parseCliArgs(['resume', 'run-1', '--max-errors', '3'], cwd),
      /--max-errors is not an option of `resume`\. A run keeps the limits it was started with\./,
    );
  });

  it('keeps the limits with the run for resume', async () => {
    const state = join(cwd, 'state');
    const digest = await saveCliRunOptions(state, 'run-limits-1', {
      workspace: cwd,
      provider: 'openai',
      model: 'gpt-4o-mini',
      concurrency: 2,
      verify: ['npm test'],
      thresholds: { errors: 1, checks: { 'npm test': { failingTests: null } } },
      repairAttempts: 2,
    });
    const loaded = await loadVerifiedCliRunOptions(state, 'run-limits-1', digest);
    assert.deepEqual(loaded?.thresholds, { errors: 1, checks: { 'npm test': { failingTests: null } } });
    assert.equal(loaded?.repairAttempts, 2);
  });

  it('explains the gates and their defaults in --help', () => {
    const text = helpText('run');
    assert.match(text, /once before the first task \(the baseline\)/);
    assert.match(text, /--max-errors N[\s\S]*\(default 0; "any" for no limit\)/);
    assert.match(text, /--max-warnings N\s+new warnings each check may show \(default: any\)/);
    assert.match(text, /--max-failing-tests N\s+new failing tests each check may show \(default 0\)/);
    assert.match(text, /--threshold "<check>=errors:N,warnings:N,failing-tests:N"/);
    assert.match(text, /--repair-attempts N[\s\S]*\(0-5, default 1\)/);
    assert.match(text, /reported as pre-existing/);
  });
});
