import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEnv, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { SOAK_FAULTS, soakContent, soakReport, soakSize, soakTasks, soakTeam } from '../../support/soakScript';
import { useFakeModelServer } from '../../support/useFakeModelServer';

/** gpt-4o-mini's list price in USD per token, as OpenAI publishes it: what the server's usage costs. */
const PRICE = { input: 0.15 / 1e6, output: 0.6 / 1e6 };

interface ShownState {
  status: string;
  usage: { inputTokens: number; outputTokens: number; costUsd: number; estimated?: boolean };
  tasks: Record<string, { status: string; failure?: string; attempts: unknown[] }>;
  findings: Array<{ message: string }>;
}

describe('fault soak: a large run against a server that breaks 20% of its answers', function () {
  const { tasks: count, seed } = soakSize();
  this.timeout(60_000 + count * 1_500);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  it(`${count} tasks with 429, 500, 529, resets, mid-stream errors, timeouts and malformed output: every task succeeds or is reported, usage matches the bill within 1%`, async () => {
    const tasks = soakTasks(count);
    server = await startServer({
      respond: soakTeam('Write the soak files', tasks),
      randomFaults: { rate: 0.2, seed, faults: SOAK_FAULTS },
    });
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, {
      OPENAI_API_KEY: server.apiKey,
      // A hung request fails (retryably) after 5 s instead of the SDK's 10 minutes. Only hangs may reach it:
      // at 1.5 s, ordinary answers on a loaded machine timed out after the server had billed them, and the
      // recorded usage fell 6% short of the bill.
      AGENT_ORCHESTRATOR_REQUEST_TIMEOUT_MS: '5000',
    });
    const started = Date.now();
    const r = await runCli(
      [
        'run',
        'Write the soak files',
        '--json',
        '--approve',
        'auto',
        '--concurrency',
        '16',
        '--model',
        'gpt-4o-mini',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    const seconds = (Date.now() - started) / 1000;
    const events = jsonLines(r.stdout);
    const runId = events[0]?.runId as string;
    assert.equal(events.at(-1)?.type, 'run.completed', `the run completed (exit ${r.code}): ${r.stderr.slice(-2000)}`);
    assert.ok(r.code === 0 || r.code === 1, `exit 0 or 1, not ${r.code}: ${r.stderr.slice(-2000)}`);

    const shown = await runCli(['show', runId, '--json', '--state-dir', state], env);
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout) as ShownState;

    // Every task succeeded with its file, or failed (or was skipped) with a message that says why.
    const reported = events.filter((e) => e.type === 'task.failed' || e.type === 'task.skipped');
    const byStatus: Record<string, number> = {};
    for (const t of tasks) {
      const task = run.tasks[t.id];
      assert.ok(task, `task ${t.id} is in the run`);
      byStatus[task.status] = (byStatus[task.status] ?? 0) + 1;
      if (task.status === 'succeeded') {
        const written = await readFile(join(ws, 'out', `${t.id}.txt`), 'utf8').catch(() => undefined);
        const story = events.filter((e) => e.taskId === t.id && e.type !== 'log').map((e) => JSON.stringify(e));
        assert.equal(written, soakContent(t.id), `task ${t.id} succeeded with its file:\n${story.join('\n')}`);
        continue;
      }
      assert.ok(['failed', 'skipped'].includes(task.status), `task ${t.id} ended ${task.status}`);
      const why = reported.find((e) => e.taskId === t.id);
      assert.ok(why, `task ${t.id} (${task.status}) has a task.failed or task.skipped event`);
      const text = String(why.message ?? why.reason ?? '');
      // A clear finding names what went wrong; a retryable failure says the task gave up on it.
      if (task.status === 'failed') {
        assert.ok(task.failure, `task ${t.id} has its failure in the state`);
        assert.match(text, /^Gave up after \d+ attempts that failed for temporary reasons; the last: \S/);
        assert.ok(
          run.findings.some((f) => f.message.includes(text)),
          `task ${t.id}'s failure is a finding`,
        );
      } else assert.match(text, /\S{3}/, `task ${t.id} is reported with a reason`);
    }
    assert.ok((byStatus['succeeded'] ?? 0) >= count * 0.8, `most tasks succeeded: ${JSON.stringify(byStatus)}`);

    // Faults of every kind were injected, at about the rate asked for.
    const faults = server.faultCounts();
    const injected = Object.values(faults).reduce((a, b) => a + b, 0);
    assert.equal(faults['malformedJson'], 1, 'the planner got one malformed plan and asked again');
    const scripted = SOAK_FAULTS.length + 1;
    assert.equal(injected, server.injectedFaultCount + scripted, 'random faults plus one scripted of each kind');
    const rate = server.injectedFaultCount / server.requests.length;
    assert.ok(
      rate > 0.12 && rate < 0.28,
      `about 20% of requests failed at random: ${server.injectedFaultCount} of ${server.requests.length}`,
    );
    for (const kind of ['http-429', 'http-500', 'http-529', 'reset', 'midStream', 'hang', 'invalidToolArguments'])
      assert.ok((faults[kind] ?? 0) > 0, `some ${kind} faults were injected: ${JSON.stringify(faults)}`);
    assert.ok((faults['schemaViolation'] ?? 0) > 0, `some schema-violating answers: ${JSON.stringify(faults)}`);

    // Tokens and cost within 1% of what the server billed.
    const billed = server.billed;
    const billedTokens = billed.inputTokens + billed.outputTokens;
    const billedCost = billed.inputTokens * PRICE.input + billed.outputTokens * PRICE.output;
    const recordedTokens = run.usage.inputTokens + run.usage.outputTokens;
    const tokenDeviation = Math.abs(recordedTokens - billedTokens) / billedTokens;
    const costDeviation = Math.abs(run.usage.costUsd - billedCost) / billedCost;
    for (const e of reported) soakReport(`${String(e.taskId)} ${String(e.type)}: ${String(e.message ?? e.reason)}`);
    soakReport(
      `${count} tasks in ${seconds.toFixed(1)} s: ${JSON.stringify(byStatus)}; ${server.requests.length} requests, ` +
        `${injected} faults ${JSON.stringify(faults)}; billed ${billedTokens} tokens / $${billedCost.toFixed(6)} in ` +
        `${billed.responses} answers, recorded ${recordedTokens} / $${run.usage.costUsd.toFixed(6)} ` +
        `(deviation ${(tokenDeviation * 100).toFixed(3)}% tokens, ${(costDeviation * 100).toFixed(3)}% cost)`,
    );
    assert.ok(tokenDeviation <= 0.01, `recorded ${recordedTokens} tokens, billed ${billedTokens}`);
    assert.ok(costDeviation <= 0.01, `recorded $${run.usage.costUsd}, billed $${billedCost}`);
  });
});
