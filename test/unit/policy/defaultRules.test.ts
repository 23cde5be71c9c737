import * as assert from 'node:assert/strict';
import { matchCommandPattern, parseCommandPattern } from '../../../src/core/policy/commandRules';
import {
  DEFAULT_COMMAND_ALLOW_RULES,
  DEFAULT_COMMAND_DENY_RULES,
  DEFAULT_POLICY_RULES,
  NETWORK_TOOLS,
} from '../../../src/core/policy/defaultRules';
import { parsePolicyRules } from '../../../src/core/policy/policyRules';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('defaultRules', () => {
  it('are valid policy rules', () => {
    assert.equal(parsePolicyRules([...DEFAULT_POLICY_RULES]).length, DEFAULT_POLICY_RULES.length);
  });

  describe('checklist 12: network tools are never on the default allow-list', () => {
    it('list every network tool named by the checklist (checklist 12)', () => {
      for (const tool of ['curl', 'wget', 'nc', 'ping', 'dig', 'nslookup', 'ssh', 'scp']) {
        assert.ok(NETWORK_TOOLS.includes(tool), tool);
      }
    });

    it('never allow a network tool, in any argument form (checklist 12)', () => {
      const allowPatterns = DEFAULT_COMMAND_ALLOW_RULES.map((rule) => parseCommandPattern(rule.command ?? ''));
      for (const tool of NETWORK_TOOLS) {
        for (const argv of [[tool], [tool, 'https://example.com'], [tool, '-v', 'host']]) {
          const allowing = allowPatterns.find((pattern) => matchCommandPattern(pattern, argv));
          assert.equal(allowing, undefined, `${argv.join(' ')} is allowed by "${allowing?.source ?? ''}"`);
        }
      }
    });
  });

  it('deny every network tool and the destructive commands', () => {
    const denyPatterns = DEFAULT_COMMAND_DENY_RULES.map((rule) => parseCommandPattern(rule.command ?? ''));
    const denied = (argv: string[]): boolean =>
      denyPatterns.some((pattern) => matchCommandPattern(pattern, argv, true));
    for (const tool of NETWORK_TOOLS) assert.ok(denied([tool, 'x']), tool);
    for (const argv of [
      ['rm', '-rf', '/'],
      ['rm', '-fr', '~'],
      ['rm', '-rf'],
      ['sudo', 'ls'],
      ['rm', '-r', '-f', '.'],
    ]) {
      assert.ok(denied(argv), argv.join(' '));
    }
    assert.equal(denied(['rm', 'file.txt']), false);
  });

  it('allow read-only commands, and no package script (checklist 27)', () => {
    const allowPatterns = DEFAULT_COMMAND_ALLOW_RULES.map((rule) => parseCommandPattern(rule.command ?? ''));
    const allowed = (argv: string[]): boolean => allowPatterns.some((pattern) => matchCommandPattern(pattern, argv));
    for (const argv of [
      ['git', 'status'],
      ['git', 'rev-parse', 'HEAD'],
      ['ls', '-la'],
    ]) {
      assert.ok(allowed(argv), argv.join(' '));
    }
    // git diff/log/show can write files through --output, npx can download: they ask.
    for (const argv of [
      ['git', 'diff', '--output=src/x.ts'],
      ['git', 'log'],
      ['npx', 'tsc', '--noEmit'],
      // A package script is whatever package.json says: the configured checks become exact rules instead.
      ['npm', 'test'],
      ['npm', 'run', 'build'],
      ['npm', 'run', 'env', '--', 'node', 'x.js'],
    ]) {
      assert.equal(allowed(argv), false, argv.join(' '));
    }
  });

  it('are frozen', () => {
    assert.ok(Object.isFrozen(DEFAULT_POLICY_RULES));
    assert.ok(DEFAULT_POLICY_RULES.every((rule) => Object.isFrozen(rule)));
  });

  it('deny reading and writing environment files by default, but not their examples', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ao-env-'));
    await writeFile(join(root, '.env.example'), 'KEY=');
    const engine = new PolicyEngine({ root, rules: [...DEFAULT_POLICY_RULES] });
    for (const p of ['.env', 'api/.env.production', '.env.local']) {
      assert.equal((await engine.evaluate({ kind: 'read', tool: 'read_file', path: p })).decision, 'deny', p);
    }
    assert.equal((await engine.evaluate({ kind: 'read', tool: 'read_file', path: '.env.example' })).decision, 'allow');
  });
});
