import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { cliEnv, collect, git, jsonLines, runCli, spawnCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const CHECK = 'node verify.js';
const HOLD = 'node hold.js';

/** The `verification.completed` events of the counted check, in the order they were recorded. */
function countedCheckEvents(events: readonly RunEvent[]): Array<RunEvent & { type: 'verification.completed' }> {
  return events.filter(
    (e): e is RunEvent & { type: 'verification.completed' } => e.type === 'verification.completed' && e.name === CHECK,
  );
}

describe('checklist 18: verification results are recorded before the run moves on; a resume after SIGKILL reuses a finished verification and does not run it again', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  // The configured checks run in order: `node verify.js` (counted) then `node hold.js`, which holds
  // on its `holdAt`-th call (counted runs of verify.js so far) until the test has killed the CLI.
  for (const [phase, holdAt] of [
    ['the baseline', 1],
    ["the task's gate", 2],
    ['the end-of-run gate', 3],
  ] as const) {
    it(`killed in ${phase} right after a check finished: that check runs exactly once`, async () => {
      server = await startServer({ respond: scriptedTeam('Write one file', [{ id: 'a', title: 'Write a' }]) });
      const { root, state, ws } = sandbox();
      const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
      const ranLog = join(root, 'verify.ran');
      const held = join(root, 'held');
      const release = join(root, 'release');
      // Paths are written into the scripts: commands get a scrubbed environment (checklist 28).
      await writeFile(join(ws, 'verify.js'), `require('fs').appendFileSync(${JSON.stringify(ranLog)}, 'ran\\n');\n`);
      await writeFile(
        join(ws, 'hold.js'),
        [
          `const fs = require('fs');`,
          `const ran = fs.existsSync(${JSON.stringify(ranLog)}) ? fs.readFileSync(${JSON.stringify(ranLog)}, 'utf8').split('\\n').filter(Boolean).length : 0;`,
          `if (ran === ${holdAt} && !fs.existsSync(${JSON.stringify(held)})) {`,
          `  fs.writeFileSync(${JSON.stringify(held)}, '');`,
          `  const end = Date.now() + 30000;`,
          `  while (Date.now() < end && !fs.existsSync(${JSON.stringify(release)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);`,
          `}`,
          '',
        ].join('\n'),
      );
      await git(ws, env, 'init', '-q', '-b', 'main');
      await git(ws, env, 'add', '-A');
      await git(ws, env, 'commit', '-q', '-m', 'initial');
      const args = ['--json', '--approve', 'auto', '--workspace', ws, '--state-dir', state];

      const child = spawnCli(
        ['run', 'Write one file', ...args, '--verify', CHECK, '--verify', HOLD, '--base-url', server.openAiBaseUrl],
        env,
      );
      child.stdin?.end();
      const output = collect(child);
      let runId: string | undefined;
      child.stdout?.on('data', (d: Buffer) => (runId ??= /"runId":"([^"]+)"/.exec(d.toString())?.[1]));
      // Wait until the counted check has finished this time (hold.js runs only after it) ...
      const deadline = Date.now() + 30_000;
      while (!existsSync(held) && child.exitCode === null && Date.now() < deadline) await delay(10);
      assert.ok(existsSync(held), `hold.js never held in ${phase}`);
      assert.ok(runId, 'the run id was printed');
      const log = join(state, 'runs', runId, 'events.jsonl');
      // ... and its result is on disk: recorded before the next check started.
      const durable = countedCheckEvents((await readEventLog(log)).events);
      assert.equal(durable.length, holdAt, `the finished check's result was on disk before the next check started`);
      child.kill('SIGKILL');
      const first = await output;
      await writeFile(release, '');
      assert.equal(first.signal, 'SIGKILL', `the run was killed in ${phase} (exit ${first.code}): ${first.stderr}`);
      assert.equal((await readFile(ranLog, 'utf8')).trim().split('\n').length, holdAt);

      const resumed = await runCli(['resume', runId, ...args], env);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(jsonLines(resumed.stdout).at(-1)?.status, 'succeeded');

      // Once for the baseline, once for the task's gate, once for the end-of-run gate: none twice.
      const ran = (await readFile(ranLog, 'utf8')).trim().split('\n').length;
      assert.equal(ran, 3, `the counted check ran ${ran} times; a check that finished before the kill ran again`);
      const events = (await readEventLog(log)).events;
      assert.equal(countedCheckEvents(events).length, 3, 'each run of the check was recorded once');
      assert.equal(events.filter((e) => e.type === 'verification.baseline').length, 1, 'one baseline');
      assert.equal(await readFile(join(ws, 'a.txt'), 'utf8'), 'written by a\n');
    });
  }
});
