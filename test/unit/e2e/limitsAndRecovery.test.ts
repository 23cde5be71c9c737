import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliApprovals } from '../../../src/cli/cliApprovals';
import { createCliEngine } from '../../../src/cli/cliEngine';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { cliEnv, collect, git, jsonLines, runCli, spawnCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { gate } from '../../support/gate';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { scaledClock } from '../../support/scaledClock';
import { scriptedTeam, taskOfRequest } from '../../support/scriptedTeam';
import { setTimeout as sleep } from 'node:timers/promises';
import { useFakeModelServer } from '../../support/useFakeModelServer';

describe('end to end: shared rate limits and crash recovery', function () {
  this.timeout(120_000);
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  describe('checklist 25: parallel agents sharing one provider stay under its RPM and TPM limits', () => {
    it('eight parallel agents under a server-enforced RPM/TPM limit: the server sends no 429', async () => {
      // Time runs 10× faster for the limiter and the server alike: a minute is 6 s. The limiter's
      // margin for latency is one second of real time, so on this clock it is given as 10 s.
      const factor = 10;
      const clock = scaledClock(factor);
      const tasks = Array.from({ length: 8 }, (_, i) => ({
        id: `t${i}`,
        title: `Write t${i}`,
        requiredCapabilities: [i % 2 ? 'code' : 'test'],
      }));
      server = await startServer({
        respond: scriptedTeam('Write eight files', tasks),
        limits: { rpm: 6, tpm: 40_000, tokenCounting: 'usage' },
        now: clock.now,
      });
      const ws = await mkdtemp(join(tmpdir(), 'ao-rpm-'));
      try {
        const engine = await createCliEngine({
          workspace: ws,
          stateDir: join(ws, '.state'),
          workspaceLocksDir: join(ws, '.locks'),
          providers: BUILTIN_PROVIDERS,
          models: { provider: 'openai', baseUrl: server.openAiBaseUrl },
          env: { OPENAI_API_KEY: server.apiKey },
          concurrency: 8,
          verify: [],
          approvals: new CliApprovals({
            mode: 'auto',
            prompt: undefined,
            color: false,
            resumeCommand: (id) => `resume ${id}`,
          }),
          rateLimits: { requestsPerMinute: 6, tokensPerMinute: 40_000 },
          warn: () => undefined,
          clock,
          rateWindowMs: 60_000 + 1_000 * factor,
        });
        const handle = engine.orchestrator.start({ goal: 'Write eight files' });
        let running = 0;
        let mostRunning = 0;
        handle.onEvent((e) => {
          if (e.type === 'task.started') mostRunning = Math.max(mostRunning, ++running);
          if (e.type === 'task.succeeded' || e.type === 'task.attempt.failed') running--;
        });
        const result = await handle.done;
        engine.dispose();
        assert.equal(result.status, 'succeeded');
        assert.equal(server.rateLimitedCount, 0, 'the server never had to refuse a request');
        assert.equal(server.requests.length, 17, 'the planner plus two turns for each of eight tasks');
        assert.equal(mostRunning, 8, 'eight agents worked at the same time, sharing one limiter');
        // No 60 s window (on the shared clock) held more than 6 requests.
        const times = server.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
        for (let i = 0; i + 6 < times.length; i++)
          assert.ok(times[i + 6]! - times[i]! >= 60_000, `requests ${i}..${i + 6} fell in one minute`);
      } finally {
        await rm(ws, { recursive: true, force: true });
      }
    });
  });

  describe('checklist 18: after a SIGKILL, resume repeats no completed edit, verification command or approval', () => {
    useCliBundle();
    const sandbox = useSandbox();

    it('finishes the run without repeating a completed edit, verification or approval', async () => {
      const tasks = ['a', 'b', 'c'].map((id) => ({ id, title: `Write ${id}` }));
      // a answers at once; b and c answer only once the first process is dead, so they are mid-flight at the
      // kill however slow the machine (a 1.5 s head start could run out on a loaded one).
      const team = scriptedTeam('Write three files', tasks, 400);
      const firstRunKilled = gate();
      server = await startServer({
        respond: async (request) => {
          const reply = team(request);
          if (taskOfRequest(request) !== undefined && taskOfRequest(request) !== 'a') await firstRunKilled.opened;
          return reply;
        },
      });
      const { root, state, ws } = sandbox();
      const verifyLog = join(root, 'verify.log');
      const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
      // The log's path is written into the script: commands get a scrubbed environment (checklist 28).
      await writeFile(join(ws, 'verify.js'), `require('fs').appendFileSync(${JSON.stringify(verifyLog)}, 'ran\\n');\n`);
      await git(ws, env, 'init', '-q', '-b', 'main');
      await git(ws, env, 'add', '-A');
      await git(ws, env, 'commit', '-q', '-m', 'initial');
      const args = ['--json', '--approve', 'auto', '--workspace', ws, '--state-dir', state];

      const child = spawnCli(
        ['run', 'Write three files', ...args, '--verify', 'node verify.js', '--base-url', server.openAiBaseUrl],
        env,
      );
      child.stdin?.end();
      const output = collect(child);
      let seen = '';
      child.stdout?.on('data', (d: Buffer) => void (seen += d.toString()));
      // Kill once a task's gate verification is durable (read from the log on disk, not guessed with a timer).
      for (;;) {
        const runId = firstRunId(seen);
        if (runId !== undefined && (await durableTaskVerifications(join(state, 'runs', runId, 'events.jsonl'))) > 0)
          break;
        if (child.exitCode !== null) break;
        await sleep(20);
      }
      child.kill('SIGKILL');
      const first = await output.finally(() => firstRunKilled.open());
      assert.equal(first.signal, 'SIGKILL', `the run was killed mid-run (exit ${first.code}): ${first.stderr}`);
      const runId = jsonLines(
        first.stdout
          .split('\n')
          .filter((l) => l.endsWith('}'))
          .join('\n'),
      )[0]!.runId as string;
      // What the store had made durable when the process died is what counts as completed.
      const durable = (await readEventLog(join(state, 'runs', runId, 'events.jsonl'))).events;
      const decidedBefore = new Set(
        durable.filter((e) => e.type === 'approval.decided').map((e) => (e as { approvalId: string }).approvalId),
      );
      // A task's gate verifications (the baseline's and the end-of-run gate's have no task).
      const taskVerification = (e: { type?: unknown; taskId?: unknown }): boolean =>
        e.type === 'verification.completed' && e.taskId !== undefined;
      const verifiedBefore = new Set(durable.filter(taskVerification).map((e) => (e as { taskId?: string }).taskId));
      assert.ok(
        verifiedBefore.size >= 1 && verifiedBefore.size < 3,
        `killed after ${verifiedBefore.size} of 3 durable verifications`,
      );
      const resumed = await runCli(['resume', runId, ...args], env);
      assert.equal(resumed.code, 0, resumed.stderr);
      const after = jsonLines(resumed.stdout);
      assert.equal(after.at(-1)?.status, 'succeeded');
      assert.deepEqual(
        after.filter((e) => e.type === 'approval.decided' && decidedBefore.has(String(e.approvalId))),
        [],
        'no approval given before the kill was asked again',
      );
      assert.deepEqual(
        after.filter((e) => taskVerification(e) && verifiedBefore.has(e.taskId as string | undefined)),
        [],
        'no completed verification ran again',
      );

      // The durable log of the whole run: each file was written once, each task verified once.
      const { events } = await readEventLog(join(state, 'runs', runId, 'events.jsonl'));
      const applied = events
        .filter((e) => e.type === 'edit.applied')
        .map((e) => (e as { path: string }).path)
        .sort();
      assert.deepEqual(applied, ['a.txt', 'b.txt', 'c.txt']);
      const verified = events
        .filter(taskVerification)
        .map((e) => (e as { taskId?: string }).taskId)
        .sort();
      assert.deepEqual(verified, ['a', 'b', 'c']);
      for (const id of ['a', 'b', 'c'])
        assert.equal(await readFile(join(ws, `${id}.txt`), 'utf8'), `written by ${id}\n`);
      // The command ran once for the baseline (durable before the first task, so not again on
      // resume), once per task gate, once for the end-of-run gate, plus at most once more for
      // each task whose gate had not been made durable before the kill.
      const ran = (await readFile(verifyLog, 'utf8')).trim().split('\n').length;
      const expected = 1 + 3 + 1;
      assert.ok(
        ran >= expected && ran <= expected + (3 - verifiedBefore.size),
        `the verification command ran ${ran} times (${verifiedBefore.size} durably verified before the kill)`,
      );
      assert.equal(events.filter((e) => e.type === 'verification.baseline').length, 1, 'the baseline was taken once');
    });
  });
});

/** The run id of the first JSON line printed so far. */
function firstRunId(stdout: string): string | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
  return line === undefined ? undefined : ((JSON.parse(line) as { runId?: string }).runId ?? undefined);
}

/** How many gate verifications of a task the run's event log holds on disk (0 before it exists). */
async function durableTaskVerifications(logFile: string): Promise<number> {
  const { events } = await readEventLog(logFile).catch(() => ({ events: [] as RunEvent[] }));
  return events.filter((e) => e.type === 'verification.completed' && e.taskId !== undefined).length;
}
