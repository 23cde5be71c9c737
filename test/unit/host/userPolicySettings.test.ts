import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import { retryPolicyOf } from '../../../src/core/execute/retryPolicy';
import { engineSettingsOf } from '../../../src/host/settings/engineSettingsOf';
import { parseHostSettings, type HostSettingKey } from '../../../src/host/settings/hostSettingsSchema';
import { tightenOnlyLayers, type InspectedSetting } from '../../../src/host/settings/settingScopeValue';
import { createTempWorkspace, type TempWorkspace } from '../policy/tempWorkspace';

interface Manifest {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

/** Parses with only `values` set, like a user who changed those settings. */
const parse = (values: Partial<Record<HostSettingKey, unknown>>, workspaceRules: unknown[] = []) =>
  parseHostSettings((key) => values[key], workspaceRules);

/** What the host reader does with `policy.rules` for one `inspect()` result. */
function readRules(inspected: InspectedSetting, trusted: boolean) {
  const layers = tightenOnlyLayers(inspected, trusted);
  return parse({ 'policy.rules': layers.user }, layers.workspace);
}

describe('user settings: policy rules, retry policy, log level', () => {
  it('reads valid policy rules, and drops each bad entry with a message naming it and what to write', () => {
    const { settings, problems } = parse({
      'policy.rules': [
        { effect: 'allow', command: 'npm test' },
        { effect: 'permit', command: 'make' },
        { effect: 'deny', path: 'secrets/**' },
        { effect: 'deny', command: 'curl x | sh' },
        { effect: 'ask', path: '/etc/**' },
        'npm test',
      ],
    });
    assert.deepEqual(
      settings.policy.rules.map((r) => [r.effect, r.command ?? r.path]),
      [
        ['allow', 'npm test'],
        ['deny', 'secrets/**'],
      ],
    );
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(
      problems[0] ?? '',
      /agentOrchestrator\.policy\.rules\[1\] \(user settings\) .* is not a valid rule \(effect: effect must be "deny", "ask" or "allow"\); it is ignored\./,
    );
    assert.match(problems[1] ?? '', /policy\.rules\[3\] .*a command pattern must be one simple command/);
    assert.match(problems[2] ?? '', /policy\.rules\[4\] .*must not start with "\/"/);
    assert.match(problems[3] ?? '', /policy\.rules\[5\] .*is not a valid rule/);
    assert.match(
      parse({ 'policy.rules': { effect: 'allow' } }).problems[0] ?? '',
      /must be a list of rules such as .*; it is ignored\./,
    );
  });

  it('reads the retry settings into the engine policy, and falls back per value with a message', () => {
    const good = parse({ 'retry.maxAttempts': 2, 'retry.baseDelayMs': 100, 'retry.maxDelayMs': 1000 });
    assert.deepEqual(good.problems, []);
    const policy = retryPolicyOf(engineSettingsOf(good.settings).retry);
    assert.deepEqual(
      [policy.maxAttemptsPerTask, policy.maxAttemptsPerAgent, policy.baseDelayMs, policy.maxDelayMs],
      [2, 2, 100, 1000],
    );
    const bad = parse({ 'retry.maxAttempts': 0, 'retry.baseDelayMs': 5000, 'retry.maxDelayMs': 100 });
    assert.equal(bad.settings.retry.maxAttempts, 6);
    assert.deepEqual([bad.settings.retry.baseDelayMs, bad.settings.retry.maxDelayMs], [500, 30_000]);
    assert.match(
      bad.problems[0] ?? '',
      /agentOrchestrator\.retry\.maxAttempts must be a whole number of attempts per task from 1 to 20 \(got 0\); using the default\./,
    );
    assert.match(
      bad.problems[1] ?? '',
      /retry\.baseDelayMs and agentOrchestrator\.retry\.maxDelayMs disagree: the first backoff \(5000 ms\) is longer than the cap/,
    );
    assert.match(
      parse({ 'retry.maxDelayMs': -1 }).problems[0] ?? '',
      /retry\.maxDelayMs must be a whole number of milliseconds from 0 to 600000 \(got -1\)/,
    );
  });

  it('reads the log level into the engine settings, and a bad one is info with a message', () => {
    assert.equal(engineSettingsOf(parse({ logLevel: 'debug' }).settings).logLevel, 'debug');
    assert.equal(engineSettingsOf(parse({ logLevel: 'error' }).settings).logLevel, 'error');
    const bad = parse({ logLevel: 'verbose' });
    assert.equal(bad.settings.logLevel, 'info');
    assert.deepEqual(bad.problems, [
      'agentOrchestrator.logLevel must be "debug", "info", "warn" or "error" (got "verbose"); using "info".',
    ]);
  });
});

describe('checklist 7: nothing a workspace says loosens what the user set', () => {
  it('package.json: the settings are restricted in untrusted workspaces; retry is user-only, policy rules tighten-only', () => {
    const properties = manifest.contributes.configuration.properties;
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['policy.rules', 'retry.maxAttempts', 'retry.baseDelayMs', 'retry.maxDelayMs', 'logLevel'])
      assert.ok(restricted.includes(`agentOrchestrator.${key}`), key);
    for (const key of ['retry.maxAttempts', 'retry.baseDelayMs', 'retry.maxDelayMs'])
      assert.equal(properties[`agentOrchestrator.${key}`]?.scope, 'application', key);
    assert.equal(properties['agentOrchestrator.policy.rules']?.scope, 'window');
  });

  it('a trusted workspace adds deny and ask rules; its allow rules are dropped with a warning', () => {
    const { settings, problems } = readRules(
      {
        defaultValue: [],
        globalValue: [{ effect: 'allow', command: 'npm test' }],
        workspaceValue: [
          { effect: 'allow', command: 'curl *' },
          { effect: 'deny', command: 'docker *' },
        ],
        workspaceFolderValue: [
          { effect: 'ask', path: 'db/**' },
          { effect: 'allow', tool: '*' },
        ],
      },
      true,
    );
    assert.deepEqual(
      settings.policy.rules.map((r) => [r.effect, r.command ?? r.path]),
      [
        ['allow', 'npm test'],
        ['deny', 'docker *'],
        ['ask', 'db/**'],
      ],
    );
    assert.equal(problems.length, 2);
    for (const p of problems)
      assert.match(
        p,
        /the workspace rule .*"allow".* is ignored: workspace settings may only add "deny" or "ask" rules; put "allow" rules in your user settings\./,
      );
  });

  it('an untrusted workspace adds nothing; a workspace value never replaces the user list', () => {
    const inspected = {
      defaultValue: [],
      globalValue: [{ effect: 'deny', command: 'make *' }],
      workspaceValue: [{ effect: 'deny', command: 'docker *' }],
    };
    assert.deepEqual(
      readRules(inspected, false).settings.policy.rules.map((r) => r.command),
      ['make *'],
    );
    assert.deepEqual(
      readRules(inspected, true).settings.policy.rules.map((r) => r.command),
      ['make *', 'docker *'],
    );
  });
});

describe('checklist 27: rules from settings, applied by the real policy engine', () => {
  let ws: TempWorkspace;
  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  /** The engine with the defaults and the user's settings rules, composed as the engine assembly does. */
  function engineFor(userRules: unknown[], workspaceRules: unknown[] = []): PolicyEngine {
    const { settings, problems } = parse({ 'policy.rules': userRules }, workspaceRules);
    assert.deepEqual(
      problems.filter((p) => !p.includes('workspace rule')),
      [],
    );
    return new PolicyEngine({
      root: ws.root,
      rules: [...DEFAULT_POLICY_RULES, ...(engineSettingsOf(settings).policyRules ?? [])],
    });
  }
  const command = (c: string) => ({ kind: 'command' as const, tool: 'run_command', command: c });

  it('an allowed command is allowed; without the rule it asks; a user deny tightens a default allow', async () => {
    const policy = engineFor([
      { effect: 'allow', command: 'cargo test *' },
      { effect: 'deny', command: 'git status *' },
    ]);
    assert.equal((await policy.evaluate(command('cargo test --lib'))).decision, 'allow');
    assert.equal((await engineFor([]).evaluate(command('cargo test --lib'))).decision, 'ask');
    assert.equal((await policy.evaluate(command('git status --short'))).decision, 'deny');
    assert.equal((await engineFor([]).evaluate(command('git status --short'))).decision, 'allow');
  });

  it('no allow opens an inline-code interpreter, a network tool, a protected path or a secrets file', async () => {
    const policy = engineFor([
      { effect: 'allow', command: 'bash -c *' },
      { effect: 'allow', command: 'curl *' },
      { effect: 'allow', path: '**' },
      { effect: 'allow', tool: '*' },
    ]);
    const inline = await policy.evaluate(command('bash -c "echo hi"'));
    assert.equal(inline.decision, 'ask');
    assert.match(inline.reason, /no rule can allow it/);
    assert.equal((await policy.evaluate(command('curl https://example.com'))).decision, 'deny');
    const vscode = await policy.evaluate({ kind: 'write', tool: 'propose_edit', path: '.vscode/settings.json' });
    assert.equal(vscode.decision, 'ask');
    assert.equal(vscode.requiresFreshApproval, true);
    assert.equal((await policy.evaluate({ kind: 'read', tool: 'read_file', path: '.env' })).decision, 'deny');
  });

  it('a workspace allow rule has no effect on the engine; its deny does', async () => {
    const policy = engineFor(
      [],
      [
        [
          { effect: 'allow', command: 'cargo test *' },
          { effect: 'deny', path: 'notes.txt' },
        ],
      ],
    );
    assert.equal((await policy.evaluate(command('cargo test'))).decision, 'ask');
    assert.equal((await policy.evaluate({ kind: 'read', tool: 'read_file', path: 'notes.txt' })).decision, 'deny');
  });
});
