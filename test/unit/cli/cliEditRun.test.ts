import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FakeModelServer, type RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { cliEnv, git, jsonLines, runCli, useSandbox, useCliBundle } from '../../support/cliProcess';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const PLAN = {
  goal: 'Write two greetings',
  tasks: [
    { id: 'hello', title: 'Write hello.txt', requiredCapabilities: ['code'], writes: ['hello.txt'] },
    { id: 'bye', title: 'Write bye.txt', requiredCapabilities: ['code'], writes: ['bye.txt'] },
  ],
};

/**
 * A scripted model: the planner's request (it asks for a JSON schema) gets the plan; an agent
 * writes `<task>.txt` with propose_edit on its first turn and calls finish_task once it has a
 * tool result. Answers depend on the request, not on arrival order, so parallel tasks get theirs.
 */
function scriptedModel(request: RecordedRequest): FakeReply {
  const body = request.body as { response_format?: unknown; messages?: Array<{ role: string; content?: unknown }> };
  if (body.response_format) return jsonReply(PLAN);
  const messages = body.messages ?? [];
  const brief = String(messages.find((m) => m.role === 'user')?.content ?? '');
  const taskId = /^Task (\S+):/.exec(brief)?.[1] ?? 'unknown';
  if (messages.at(-1)?.role === 'tool') return toolCallReply('finish_task', { summary: `wrote ${taskId}.txt` });
  return toolCallReply('propose_edit', { path: `${taskId}.txt`, content: `hello from ${taskId}\n` });
}

describe('CLI: a run that edits files (real child processes, real tools, temp git repository)', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    server = await startServer({ respond: scriptedModel });
    const { root, ws } = sandbox();
    const env = cliEnv(root);
    await git(ws, env, 'init', '-q', '-b', 'main');
    await git(ws, env, 'add', '-A');
    await git(ws, env, 'commit', '-q', '-m', 'initial');
  });

  it('--approve auto: two parallel tasks edit their files, verification passes, exit 0', async () => {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const head = await git(ws, env, 'rev-parse', 'HEAD');
    const r = await runCli(
      [
        'run',
        'Write two greetings',
        '--json',
        '--approve',
        'auto',
        '--verify',
        'node --version',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(join(ws, 'hello.txt'), 'utf8'), 'hello from hello\n');
    assert.equal(await readFile(join(ws, 'bye.txt'), 'utf8'), 'hello from bye\n');
    const events = jsonLines(r.stdout);
    const of = (type: string): Array<Record<string, unknown>> => events.filter((e) => e.type === type);
    assert.deepEqual(
      of('edit.applied')
        .map((e) => e.path)
        .sort(),
      ['bye.txt', 'hello.txt'],
    );
    assert.deepEqual(
      of('approval.decided').map((e) => e.by),
      ['auto', 'auto'],
    );
    assert.deepEqual(
      of('verification.completed')
        .filter((e) => e.taskId !== undefined)
        .map((e) => [e.name, e.verdict]),
      [
        ['node --version', 'pass'],
        ['node --version', 'pass'],
      ],
      'each editing task passed its gate',
    );
    assert.deepEqual(
      of('verification.completed')
        .filter((e) => e.taskId === undefined)
        .map((e) => [String(e.key).split(':')[0], e.name]),
      [
        ['baseline', 'node --version'],
        ['gate', 'node --version'],
      ],
      'the baseline and the end-of-run gate recorded their check once each',
    );
    assert.equal(of('checkpoint.taken').length, 2, 'a checkpoint before each editing task');
    assert.equal(events.at(-1)?.status, 'succeeded');
    assert.equal(await git(ws, env, 'rev-parse', 'HEAD'), head, 'the user branch did not move');
  });

  it('--approve never pauses at the first edit (exit 3); resume --approve auto finishes it (exit 0)', async () => {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const paused = await runCli(
      [
        'run',
        'Write two greetings',
        '--approve',
        'never',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    assert.equal(paused.code, 3, paused.stderr);
    const runId = /^Run (\S+)\n$/.exec(paused.stdout)?.[1];
    assert.ok(runId, paused.stdout);
    assert.match(paused.stderr, /Approval needed for the edit of (hello|bye)\.txt/);
    assert.match(paused.stderr, new RegExp(`Resume with: agent-orchestrator resume ${runId} --state-dir `));
    await assert.rejects(readFile(join(ws, 'hello.txt')), 'nothing was written');

    // Another terminal: no --workspace, no --base-url; the run remembers them (never the key).
    const resumed = await runCli(['resume', runId, '--approve', 'auto', '--json', '--state-dir', state], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const events = jsonLines(resumed.stdout);
    assert.equal(events[0]?.type, 'run.resumed');
    assert.equal(events.at(-1)?.status, 'succeeded');
    assert.equal(await readFile(join(ws, 'hello.txt'), 'utf8'), 'hello from hello\n');
    assert.equal(await readFile(join(ws, 'bye.txt'), 'utf8'), 'hello from bye\n');

    const again = await runCli(['resume', runId, '--state-dir', state], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /cannot be resumed: it already succeeded/);
  });

  it('a token budget pauses the run before the crossing request is sent (exit 3); resume --budget-tokens raises it', async () => {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    // The planner's worst case (about 8.4k tokens) fits; an agent's (about 9.6k more) does not.
    const paused = await runCli(
      [
        'run',
        'Write two greetings',
        '--json',
        '--approve',
        'auto',
        '--budget-tokens',
        '9000',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    assert.equal(paused.code, 3, paused.stderr);
    const events = jsonLines(paused.stdout);
    const runId = events[0]!.runId as string;
    assert.ok(events.some((e) => e.type === 'budget.exceeded' && e.limit === 'tokens'));
    assert.equal(server.requests.length, 1, 'only the planner was asked; the crossing request was never sent');
    assert.match(paused.stderr, /paused .*token budget of 9,000 tokens would be exceeded/);

    // The approval mode is not remembered: auto-approving is a choice made on each invocation.
    const resumed = await runCli(
      ['resume', runId, '--budget-tokens', '200000', '--approve', 'auto', '--state-dir', state],
      env,
    );
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout, `Run ${runId}\n`);
    assert.equal(await readFile(join(ws, 'bye.txt'), 'utf8'), 'hello from bye\n');
  });

  it('--approve auto still refuses to auto-approve a protected file without a terminal: the run pauses', async () => {
    const { root, state, ws } = sandbox();
    const plan = {
      goal: 'Tune the editor',
      tasks: [
        {
          id: 'settings',
          title: 'Edit the editor settings',
          requiredCapabilities: ['code'],
          writes: ['.vscode/settings.json'],
        },
      ],
    };
    await server.close();
    server = await startServer({
      respond: (req) => {
        const body = req.body as { response_format?: unknown; messages?: Array<{ role: string }> };
        if (body.response_format) return jsonReply(plan);
        return body.messages?.at(-1)?.role === 'tool'
          ? toolCallReply('finish_task', { summary: 'done' })
          : toolCallReply('propose_edit', {
              path: '.vscode/settings.json',
              content: '{ "task.allowAutomaticTasks": "on" }\n',
            });
      },
    });
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const r = await runCli(
      [
        'run',
        'Tune the editor',
        '--approve',
        'auto',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /\.vscode\/settings\.json is a protected file, which is never approved automatically, and there is no terminal to ask on/,
    );
    await assert.rejects(readFile(join(ws, '.vscode', 'settings.json')), 'nothing was written');
  });
});
