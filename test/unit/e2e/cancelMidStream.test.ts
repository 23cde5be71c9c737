import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { cliEnv, collect, jsonLines, spawnCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { toolCallReply } from '../../support/fakeModelServer/fakeReply';
import { isPlannerRequest, scriptedTeam, taskOfRequest } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const GOAL = 'Write the alpha note';
/** An edit streamed in ~300 small pieces, 100 ms apart: the stream is still running when the run is cancelled. */
const SLOW_CONTENT = 'a line the cancelled agent never finishes\n'.repeat(60);

describe('checklist 22: cancel aborts the stream and marks the step cancelled, not completed', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  for (const provider of ['openai', 'anthropic'] as const) {
    it(`through ${provider}: Ctrl+C while an agent's answer streams ends the task cancelled, with nothing applied`, async () => {
      const team = scriptedTeam(GOAL, [{ id: 'alpha', title: GOAL }]);
      server = await startServer({
        chunkSize: 8,
        respond: (request) =>
          isPlannerRequest(request)
            ? team(request)
            : toolCallReply('propose_edit', { path: 'alpha.txt', content: SLOW_CONTENT }, { chunkDelayMs: 100 }),
      });
      const { root, state, ws } = sandbox();
      const env = cliEnv(
        root,
        provider === 'openai' ? { OPENAI_API_KEY: server.apiKey } : { ANTHROPIC_API_KEY: server.apiKey },
      );
      const baseUrl = provider === 'openai' ? server.openAiBaseUrl : server.baseUrl;
      const child = spawnCli(
        ['run', GOAL, '--provider', provider, '--json', '--approve', 'auto'].concat([
          '--workspace',
          ws,
          '--state-dir',
          state,
          '--base-url',
          baseUrl,
        ]),
        env,
      );
      child.stdin?.end();
      const finished = collect(child);

      // Wait for the agent's request, then give the stream a moment to be well under way.
      for (let i = 0; i < 300 && !server.requests.some((r) => taskOfRequest(r) === 'alpha'); i++) await delay(50);
      const agentRequest = server.requests.find((r) => taskOfRequest(r) === 'alpha');
      assert.ok(agentRequest, 'the agent asked the model');
      await delay(500);
      assert.equal(agentRequest.finishedAt, undefined, 'the answer was still streaming when the run was cancelled');
      child.kill('SIGINT');
      const r = await finished;

      assert.equal(r.code, 1, r.stderr);
      const events = jsonLines(r.stdout);
      assert.deepEqual(events.at(-1), { ...events.at(-1), type: 'run.completed', status: 'cancelled' });
      const ofAlpha = events.filter((e) => e.taskId === 'alpha').map((e) => String(e.type));
      assert.ok(ofAlpha.includes('task.cancelled'), `the task was marked cancelled: ${ofAlpha.join(', ')}`);
      for (const type of ['task.succeeded', 'task.completed', 'approval.requested', 'edit.applied'])
        assert.equal(ofAlpha.includes(type), false, `no ${type} for the cancelled step: ${ofAlpha.join(', ')}`);
      assert.equal(existsSync(join(ws, 'alpha.txt')), false, 'the half-streamed edit was not applied');
      assert.equal(
        server.requests.filter((q) => taskOfRequest(q) === 'alpha').length,
        1,
        'the cancelled step was not retried',
      );
    });
  }
});
