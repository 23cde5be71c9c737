import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { UsageError } from '../../../src/cli/usageError';
import {
  startFakeModelServer,
  type FakeModelServer,
  type RecordedRequest,
} from '../../support/fakeModelServer/fakeModelServer';
import { httpError, jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { cliEnv, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const PLAN = {
  goal: 'Check the tools',
  tasks: [{ id: 'probe', title: 'Run one command', requiredCapabilities: ['code'], writes: ['probe.txt'] }],
};

type Message = { role: string; content?: unknown; tool_calls?: Array<{ function?: { name?: string } }> };

/** The planner gets the plan; the agent proposes probe.txt first when `editFirst`, then runs `command`, then finishes. */
function commandModel(command: string, editFirst = false): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const body = request.body as { response_format?: unknown; messages?: Message[] };
    if (body.response_format) return jsonReply(PLAN);
    const called = (body.messages ?? []).flatMap((m) => (m.tool_calls ?? []).map((c) => c.function?.name));
    if (editFirst && !called.includes('propose_edit'))
      return toolCallReply('propose_edit', { path: 'probe.txt', content: 'x\n' });
    if (!called.includes('run_command')) return toolCallReply('run_command', { command });
    return toolCallReply('finish_task', { summary: 'done' });
  };
}

/** Every tool result the agent was shown, joined. */
function toolResults(server: FakeModelServer): string {
  return server.requests
    .flatMap((r) => (r.body as { messages?: Message[] }).messages ?? [])
    .filter((m) => m.role === 'tool')
    .map((m) => JSON.stringify(m.content))
    .join('\n');
}

describe('CLI policy, retry and log level flags', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'ao-policy-args-'));
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  const run = (...flags: string[]) => {
    const args = parseCliArgs(['run', 'g', ...flags], cwd);
    assert.equal(args.kind, 'run');
    return args.kind === 'run' ? args : assert.fail('not a run');
  };
  const refuses = (argv: string[], message: RegExp) =>
    assert.throws(
      () => parseCliArgs(argv, cwd),
      (err: unknown) => err instanceof UsageError && message.test(err.message),
    );

  it('reads the rule flags and --policy FILE into rules of the engine shape, file rules first', async () => {
    const file = join(cwd, 'policy.json');
    await writeFile(file, JSON.stringify([{ effect: 'ask', path: 'db/**', reason: 'migrations' }]));
    const args = run(
      '--policy',
      'policy.json',
      '--allow-command',
      'npm test',
      '--deny-command',
      'docker *',
      '--ask-command',
      'git push *',
      '--deny-path',
      'secrets/**',
      '--ask-path',
      'infra/**',
    );
    assert.deepEqual(
      args.policyRules?.map((r) => [r.effect, r.command ?? r.path]),
      [
        ['ask', 'db/**'],
        ['allow', 'npm test'],
        ['ask', 'git push *'],
        ['deny', 'docker *'],
        ['ask', 'infra/**'],
        ['deny', 'secrets/**'],
      ],
    );
    assert.equal(run().policyRules, undefined);
  });

  it('refuses a bad rule flag or policy file with what to write instead', async () => {
    refuses(
      ['run', 'g', '--allow-command', 'npm test && curl x'],
      /--allow-command "npm test && curl x" is not usable \(a command pattern must be one simple command.*e\.g\. --allow-command "npm test"/,
    );
    refuses(
      ['run', 'g', '--deny-path', '../outside/**'],
      /--deny-path "..\/outside\/\*\*" is not usable \(a path glob must not contain "\.\."/,
    );
    await writeFile(
      join(cwd, 'bad.json'),
      JSON.stringify([
        { effect: 'allow', command: 'ls' },
        { effect: 'permit', command: 'x' },
      ]),
    );
    refuses(
      ['run', 'g', '--policy', 'bad.json'],
      /The policy file .*bad\.json has invalid rules; nothing was started\.\n.*rule 1 \(effect\): effect must be "deny", "ask" or "allow"/s,
    );
    await writeFile(join(cwd, 'notjson.json'), '{');
    refuses(['run', 'g', '--policy', 'notjson.json'], /cannot be read as JSON .*give a JSON list of rules/);
    refuses(['run', 'g', '--policy', 'missing.json'], /The policy file .*missing\.json cannot be read/);
  });

  it('reads the retry flags and refuses bad ones', () => {
    assert.deepEqual(run('--max-attempts', '2', '--backoff-base-ms', '0', '--backoff-max-ms', '100').retry, {
      maxAttempts: 2,
      baseDelayMs: 0,
      maxDelayMs: 100,
    });
    assert.equal(run().retry, undefined);
    refuses(['run', 'g', '--max-attempts', '0'], /--max-attempts must be a whole number from 1 to 20; got "0"/);
    refuses(['run', 'g', '--backoff-max-ms', 'soon'], /--backoff-max-ms must be a whole number from 0 to 600000/);
    refuses(
      ['run', 'g', '--backoff-base-ms', '5000', '--backoff-max-ms', '100'],
      /The retry flags disagree: the first backoff \(5000 ms\) is longer than the cap/,
    );
  });

  it('reads --log-level and --verbose, also on plan and resume, and refuses a bad or contradicting level', () => {
    assert.equal(run('--log-level', 'debug').logLevel, 'debug');
    assert.equal(run('--verbose').logLevel, 'debug');
    assert.equal(run('--log-level', 'ERROR').logLevel, 'error');
    assert.equal(run().logLevel, undefined);
    const resume = parseCliArgs(['resume', 'run-1', '--verbose'], cwd);
    assert.equal(resume.kind === 'resume' ? resume.logLevel : undefined, 'debug');
    refuses(['run', 'g', '--log-level', 'trace'], /--log-level "trace" is not a level; use error, warn, info or debug/);
    refuses(['run', 'g', '--verbose', '--log-level', 'error'], /--verbose means --log-level debug/);
  });

  it('resume keeps the rules and retry policy the run was started with', () => {
    for (const flag of ['--allow-command', '--deny-path', '--policy', '--max-attempts'])
      refuses(['resume', 'run-1', flag, 'x'], /keeps the policy rules and retry policy it was started with/);
  });
});

describe('checklist 27: rules from the command line, applied by the real policy engine in a real run', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  const fakeServer = useFakeModelServer();

  async function cli(command: string, flags: string[], editFirst = false) {
    const server = await fakeServer({ respond: commandModel(command, editFirst) });
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const common = ['--workspace', ws, '--state-dir', state, '--base-url', server.openAiBaseUrl];
    const r = await runCli(['run', 'Check the tools', '--approve', 'never', ...common, ...flags], env);
    return { r, ws, state, env, server };
  }

  it('an allowed command runs without asking, and --log-level debug prints the decision', async () => {
    const { r, server } = await cli('git --version', ['--allow-command', 'git --version', '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(toolResults(server), /git version \d/, 'the command ran and its output reached the agent');
    assert.match(
      r.stderr,
      /debug: Policy: allow — Allowed command "git --version" by rule \d+ .*--allow-command on the command line/,
    );
  });

  it('without an allow rule the same command asks (the run pauses), and without debug no policy line is printed', async () => {
    const { r, server } = await cli('git --version', []);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Approval needed to run `git --version`/);
    assert.doesNotMatch(toolResults(server), /git version \d/);
    assert.doesNotMatch(r.stderr, /Policy:/);
  });

  it('a denied command never runs, even when another rule allows it', async () => {
    const { r, server, ws } = await cli('touch ran', ['--allow-command', 'touch *', '--deny-command', 'touch *']);
    assert.match(toolResults(server), /The command was refused: Denied command \\"touch ran\\" by rule/, r.stderr);
    assert.equal(existsSync(join(ws, 'ran')), false);
  });

  it('an allow rule cannot open an inline-code interpreter: it still asks, and nothing runs', async () => {
    const { r, ws } = await cli(`node -e "require('fs').writeFileSync('pwned','')"`, [
      '--allow-command',
      'node -e *',
      '--verbose',
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /debug: Policy: ask — .*runs code given on the command line, so no rule can allow it/);
    assert.equal(existsSync(join(ws, 'pwned')), false);
  });

  it('the rules are saved with the run and honoured on resume', async () => {
    const {
      r,
      state,
      env,
      ws,
      server: first,
    } = await cli('touch ran', ['--deny-command', 'touch *', '--max-attempts', '2', '--log-level', 'debug'], true);
    assert.equal(r.code, 3, r.stderr);
    const runId = /^Run (\S+)\n$/m.exec(r.stdout)?.[1];
    assert.ok(runId, r.stdout);
    const saved = JSON.parse(await readFile(join(state, 'cli-runs', `${runId}.json`), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(saved.policyRules, [
      { effect: 'deny', command: 'touch *', reason: '--deny-command on the command line' },
    ]);
    assert.deepEqual(saved.retry, { maxAttempts: 2 });
    assert.equal(saved.logLevel, 'debug');
    // Auto-approve on resume applies the edit, but no approval mode loosens a saved deny.
    const resumed = await runCli(['resume', runId, '--approve', 'auto', '--state-dir', state], env);
    assert.match(toolResults(first), /The command was refused: Denied command/, resumed.stderr);
    assert.equal(existsSync(join(ws, 'ran')), false);
    assert.match(resumed.stderr, /debug: Policy: deny — Denied command "touch ran"/);
  });

  it('--max-attempts and the backoff flags decide how often a failing task is tried', async () => {
    const agentRequests: number[] = [];
    for (const attempts of ['1', '3']) {
      const fresh = await startFakeModelServer({
        respond: (request) =>
          (request.body as { response_format?: unknown }).response_format ? jsonReply(PLAN) : httpError(500),
      });
      try {
        const { root, state, ws } = sandbox();
        const env = cliEnv(root, { OPENAI_API_KEY: fresh.apiKey });
        const flags = ['--max-attempts', attempts, '--backoff-base-ms', '0', '--backoff-max-ms', '0'];
        const common = ['--workspace', ws, '--state-dir', state, '--base-url', fresh.openAiBaseUrl];
        const r = await runCli(['run', 'Check the tools', '--approve', 'never', ...common, ...flags], env);
        assert.equal(r.code, 1, r.stderr);
        agentRequests.push(
          fresh.requests.filter((q) => !(q.body as { response_format?: unknown }).response_format).length,
        );
      } finally {
        await fresh.close();
      }
    }
    assert.ok((agentRequests[0] ?? 0) > 0, 'the agent was asked at all');
    assert.equal(agentRequests[1], 3 * (agentRequests[0] ?? 0), `agent requests per run: ${agentRequests.join(', ')}`);
  });
});
