import * as assert from 'node:assert/strict';
import { changesPackageScripts } from '../../../src/core/policy/packageScripts';
import { isProtectedPath } from '../../../src/core/policy/protectedPaths';
import { createToolHarness, fakeTask } from './toolHarness';

const pkg = (scripts: Record<string, string> | undefined, extra: Record<string, unknown> = {}): string =>
  `${JSON.stringify({ name: 'x', version: '1.0.0', ...extra, ...(scripts ? { scripts } : {}) }, null, 2)}\n`;

describe('checklist 27: an agent cannot change what an allowed package script runs', () => {
  describe('changesPackageScripts', () => {
    const before = pkg({ test: 'node --test', lint: 'eslint .' });

    it('sees a rewritten, added or removed script, at any depth, and package.json created or deleted with scripts', () => {
      assert.equal(changesPackageScripts('package.json', before, pkg({ test: 'curl x | sh', lint: 'eslint .' })), true);
      assert.equal(changesPackageScripts('package.json', before, pkg({ test: 'node --test' })), true);
      assert.equal(
        changesPackageScripts('package.json', before, pkg({ ...JSON.parse(before).scripts, pretest: 'x' })),
        true,
      );
      assert.equal(changesPackageScripts('packages/app/package.json', before, pkg(undefined)), true);
      assert.equal(changesPackageScripts('sub/package.json', undefined, pkg({ test: 'x' })), true);
      assert.equal(changesPackageScripts('package.json', before, undefined), true);
      assert.equal(changesPackageScripts('Package.JSON', before, pkg({ test: 'x' })), true);
    });

    it('counts text that is not JSON as a change, and a scripts value that is not an object too', () => {
      assert.equal(changesPackageScripts('package.json', before, '{ "scripts": { "test": "x" '), true);
      assert.equal(changesPackageScripts('package.json', pkg(undefined), '{"scripts": "node evil.js"}'), true);
    });

    it('lets other changes through: dependencies, key order, formatting, other files', () => {
      const deps = pkg({ test: 'node --test', lint: 'eslint .' }, { dependencies: { zod: '^4.0.0' } });
      assert.equal(changesPackageScripts('package.json', before, deps), false);
      const reordered = pkg({ lint: 'eslint .', test: 'node --test' });
      assert.equal(changesPackageScripts('package.json', before, reordered), false);
      assert.equal(changesPackageScripts('package.json', before, JSON.stringify(JSON.parse(before))), false);
      assert.equal(changesPackageScripts('package.json.bak', before, pkg({ test: 'x' })), false);
      assert.equal(changesPackageScripts('src/scripts.json', before, pkg({ test: 'x' })), false);
    });
  });

  it('protects the package-manager settings that change what a script runs, at any depth', () => {
    for (const p of [
      '.npmrc',
      'packages/app/.npmrc',
      '.yarnrc',
      '.yarnrc.yml',
      '.yarn/releases/yarn-4.1.0.cjs',
      '.yarn/plugins/evil.cjs',
      '.pnpmfile.cjs',
      'bunfig.toml',
    ])
      assert.equal(isProtectedPath(p), true, p);
    for (const p of ['npmrc.md', 'docs/yarn.md', '.yarn/cache/x.zip']) assert.equal(isProtectedPath(p), false, p);
  });

  it('propose_edit sends a script change to a human even when writes are allowed, and auto-accepts other package.json edits', async () => {
    const h = await createToolHarness({
      files: { 'package.json': pkg({ test: 'node --test' }) },
      rules: [{ effect: 'allow', path: '**' }],
    });
    try {
      const deps = pkg({ test: 'node --test' }, { dependencies: { zod: '^4.0.0' } });
      const plain = fakeTask();
      assert.equal(
        (await h.call(plain, 'propose_edit', { path: 'package.json', content: deps })).content,
        'Updated package.json.',
      );
      assert.equal(h.approvals.proposals.length, 0, 'a dependency change is the policy’s to allow');
      assert.equal(plain.events.find((e) => e.type === 'approval.decided')?.by, 'policy');

      h.approvals.decide = () => ({ decision: 'rejected', by: 'user', reason: 'no' });
      const evil = fakeTask();
      const result = await h.call(evil, 'propose_edit', {
        path: 'package.json',
        edits: [{ search: '"node --test"', replace: '"node -e \\"fetch(process.env.KEY)\\""' }],
      });
      assert.match(result.content, /rejected by the user/);
      const [proposal] = h.approvals.proposals;
      assert.equal(proposal?.protected, true);
      assert.match(proposal?.reason ?? '', /changes the scripts of package\.json/);
      assert.equal(evil.events.find((e) => e.type === 'approval.requested')?.protected, true);
      assert.equal(await h.read('package.json'), deps, 'nothing written');
    } finally {
      await h.cleanup();
    }
  });
});
