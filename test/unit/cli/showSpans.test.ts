import assert from 'node:assert/strict';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { renderSpanTree } from '../../../src/cli/spanTreeText';
import { UsageError } from '../../../src/cli/usageError';
import { spanRecords, spanTree } from '../../../src/core/observe/spanRecords';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { cliEnv, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { scriptedTeam } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

describe('agent-orchestrator show <run> --spans', function () {
  this.timeout(60_000);

  it('refuses --spans together with --json or --markdown, saying to pick one', () => {
    const parse = (...argv: string[]) => parseCliArgs(argv, '/tmp', BUILTIN_PROVIDERS);
    assert.equal((parse('show', 'run-m1abc-0123456789', '--spans') as { format?: string }).format, 'spans');
    assert.throws(
      () => parse('show', 'run-m1abc-0123456789', '--spans', '--json'),
      (err: Error) => err instanceof UsageError && /--json and --spans cannot be combined; pick one/.test(err.message),
    );
  });

  it('marks a span the run stopped inside as not ended, puts orphans at the top, and says when there are none', () => {
    const ev = (e: object): RunEvent => ({ runId: 'r', seq: 0, ...e }) as RunEvent;
    const events = [
      ev({ type: 'span.started', at: 10, spanId: 't', name: 'task', attributes: { taskId: 'a' } }),
      ev({ type: 'span.started', at: 20, spanId: 'c', parentId: 't', name: 'chat m' }),
      ev({ type: 'span.started', at: 5, spanId: 'o', parentId: 'gone', name: 'orphan' }),
      ev({
        type: 'span.ended',
        at: 30,
        spanId: 'o',
        name: 'orphan',
        durationMs: 25,
        status: 'error',
        attributes: { 'error.type': 'X' },
      }),
    ];
    assert.equal(
      renderSpanTree(spanTree(spanRecords(events))),
      ['orphan  25ms error  error=X', 'task  not ended  task=a', '  chat m  not ended'].join('\n'),
    );
    assert.match(renderSpanTree([]), /No spans were recorded for this run/);
  });

  describe('a real CLI run against the fake model server', () => {
    useCliBundle();
    const sandbox = useSandbox();
    let server: FakeModelServer;
    const startServer = useFakeModelServer();
    beforeEach(async () => {
      server = await startServer({ respond: scriptedTeam('Write a', [{ id: 'a', title: 'Write a' }]) });
    });

    it('prints the tree: run → task → chat and execute_tool spans, with durations, statuses, models and tokens', async () => {
      const { root, state, ws } = sandbox();
      const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
      const run = await runCli(
        ['run', 'Write a', '--approve', 'auto', '--workspace', ws, '--state-dir', state].concat([
          '--base-url',
          server.openAiBaseUrl,
          '--model',
          'gpt-4o-mini',
        ]),
        env,
      );
      assert.equal(run.code, 0, run.stderr);
      const [listed] = jsonLines((await runCli(['list', '--json', '--state-dir', state], env)).stdout);
      const runId = String(listed?.['runId'] ?? listed?.['id']);
      const shown = await runCli(['show', runId, '--spans', '--state-dir', state], env);
      assert.equal(shown.code, 0, shown.stderr);
      const lines = shown.stdout.trimEnd().split('\n');
      const indent = (l: string): number => l.length - l.trimStart().length;
      const find = (re: RegExp): number => {
        const i = lines.findIndex((l) => re.test(l));
        assert.ok(i >= 0, `no line matches ${re}:\n${shown.stdout}`);
        return i;
      };
      const plan = find(/^plan\s+\S+ ok/);
      assert.match(lines[plan + 1]!, /^ {2}chat gpt-4o-mini\s+\S+ ok .*in=\S+ {2}out=\S+/, 'the planner call');
      const exec = find(/^run\.execute\s+\S+ ok/);
      const task = find(/^ {2}task\s+\S+ ok .*task=a {2}agent=\S+ {2}attempt=1/);
      assert.ok(task > exec);
      const chat = find(/^ {4}chat gpt-4o-mini\s+\S+ ok .*in=\S+ {2}out=\S+ {2}finish=tool_calls/);
      const tool = find(/^ {4}execute_tool propose_edit\s+\S+ ok {2}call=\S+/);
      assert.ok(chat > task && tool > chat, 'children follow their task, in start order');
      assert.equal(lines.filter((l) => /chat gpt-4o-mini/.test(l) && indent(l) === 4).length, 2, 'two agent turns');
    });

    it('exits 2 for an unknown run, naming the command that lists the runs', async () => {
      const { root, state } = sandbox();
      const env = cliEnv(root);
      const missing = await runCli(['show', 'run-m1abc-0123456789', '--spans', '--state-dir', state], env);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /There is no run "run-m1abc-0123456789".*agent-orchestrator list/);
    });
  });
});
