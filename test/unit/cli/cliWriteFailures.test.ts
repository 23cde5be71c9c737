import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isWorkspaceTempFile } from '../../../src/core/policy/workspaceTempFiles';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../../support/scriptedTeam';
import { cliEnv, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { killWriterMidWrite } from '../../support/killMidWrite';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const GOAL = 'Rewrite two greetings';
/** The planner gets two tasks; each agent rewrites `<task>.txt` to `new <task>`, then finishes. */
const scriptedModel = scriptedTeam(
  GOAL,
  [
    { id: 'hello', title: 'Rewrite hello.txt' },
    { id: 'bye', title: 'Rewrite bye.txt' },
  ],
  0,
  (taskId) => `new ${taskId}\n`,
);

describe('CLI: failed and interrupted workspace writes (real child processes, fake model server)', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    server = await startServer({ respond: scriptedModel });
  });

  function runArgs(ws: string, state: string): string[] {
    return [
      'run',
      GOAL,
      '--json',
      '--approve',
      'auto',
      '--workspace',
      ws,
      '--state-dir',
      state,
      '--base-url',
      server.openAiBaseUrl,
    ];
  }

  describe('checklist 33: a run whose every edit fails ends failed with findings, not succeeded', () => {
    it('two read-only files: both tasks fail with an EACCES finding naming the file; exit 1; nothing written', async () => {
      const { root, state, ws } = sandbox();
      for (const name of ['hello', 'bye']) {
        await writeFile(join(ws, `${name}.txt`), `old ${name}\n`);
        await chmod(join(ws, `${name}.txt`), 0o444);
      }
      const r = await runCli(runArgs(ws, state), cliEnv(root, { OPENAI_API_KEY: server.apiKey }));
      assert.equal(r.code, 1, r.stderr);
      const events = jsonLines(r.stdout);
      assert.equal(events.at(-1)?.type, 'run.completed');
      assert.equal(events.at(-1)?.status, 'failed');
      assert.deepEqual(
        events
          .filter((e) => e.type === 'task.failed')
          .map((e) => e.taskId)
          .sort(),
        ['bye', 'hello'],
      );
      const findings = events
        .filter((e) => e.type === 'finding.reported')
        .map((e) => e.finding as { message: string; location?: string; taskId?: string })
        .filter((f) => f.location !== undefined);
      assert.deepEqual(findings.map((f) => [f.taskId, f.location]).sort(), [
        ['bye', 'bye.txt'],
        ['hello', 'hello.txt'],
      ]);
      for (const f of findings) assert.match(f.message, /^Could not write (hello|bye)\.txt \(EACCES: read-only/);
      // The executor's own finding for each failed task carries the same reason.
      const failed = events.filter((e) => e.type === 'task.failed').map((e) => String(e.message));
      for (const m of failed) assert.match(m, /EACCES: read-only/);
      assert.equal(events.filter((e) => e.type === 'edit.applied').length, 0);
      assert.equal(await readFile(join(ws, 'hello.txt'), 'utf8'), 'old hello\n');
      assert.equal(await readFile(join(ws, 'bye.txt'), 'utf8'), 'old bye\n');
      assert.deepEqual((await readdir(ws)).filter(isWorkspaceTempFile), []);
    });
  });

  describe('checklist 33: an interrupted write leaves no temp file in the workspace after the next start', () => {
    it('a writer SIGKILLed mid-write leaves a temp file; the next CLI start removes it and says so', async () => {
      const { root, state, ws } = sandbox();
      await mkdir(join(ws, 'big'));
      const killed = await killWriterMidWrite(ws, 'big/data.txt');
      assert.ok(killed.temps.length > 0);

      const r = await runCli(runArgs(ws, state), cliEnv(root, { OPENAI_API_KEY: server.apiKey }));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Removed 1 temp file\(s\) that interrupted writes left in the workspace: big\//);
      const left = (await readdir(ws, { recursive: true }))
        .map(String)
        .filter((p) => isWorkspaceTempFile(p.split('/').at(-1) ?? ''));
      assert.deepEqual(left, []);
      assert.equal(await readFile(join(ws, 'hello.txt'), 'utf8'), 'new hello\n');
    });
  });
});
