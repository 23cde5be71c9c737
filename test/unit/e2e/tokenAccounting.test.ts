import assert from 'node:assert/strict';
import { cliEnv, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import type { FakeMessage, FakeReply } from '../../support/fakeModelServer/fakeReply';
import { scriptedTeam } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const GOAL = 'Write the alpha note';

/** The usage.recorded events of a CLI run's JSON output. */
function recordedUsage(stdout: string): Array<{ inputTokens: number; outputTokens: number; estimated?: boolean }> {
  return jsonLines(stdout)
    .filter((e) => e.type === 'usage.recorded')
    .map((e) => e.usage as { inputTokens: number; outputTokens: number; estimated?: boolean });
}

describe('checklist 23: Anthropic input counts cache tokens; an OpenAI stream without usage is recorded as estimated, never zero', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  /** Runs the one-task goal through the CLI against a server whose every answer is changed by `extra`. */
  async function run(provider: 'openai' | 'anthropic', extra: Partial<FakeMessage>): Promise<string> {
    const team = scriptedTeam(GOAL, [{ id: 'alpha', title: GOAL }]);
    server = await startServer({
      respond: (request) => ({ ...(team(request) as FakeMessage), ...extra }) as FakeReply,
    });
    const { root, state, ws } = sandbox();
    const key: Record<string, string> = {
      [provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY']: server.apiKey,
    };
    const baseUrl = provider === 'openai' ? server.openAiBaseUrl : server.baseUrl;
    const r = await runCli(
      ['run', GOAL, '--provider', provider, '--json', '--approve', 'auto'].concat([
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        baseUrl,
      ]),
      cliEnv(root, key),
    );
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  }

  it('anthropic: each recorded call counts input_tokens + cache_creation_input_tokens + cache_read_input_tokens', async () => {
    const stdout = await run('anthropic', {
      usage: { inputTokens: 12, outputTokens: 3, cacheCreationTokens: 1_500, cacheReadTokens: 20_000 },
    });
    const usage = recordedUsage(stdout);
    assert.ok(usage.length >= 3, `the planner and the agent's turns were recorded: ${usage.length}`);
    for (const u of usage) {
      assert.equal(u.inputTokens, 12 + 1_500 + 20_000);
      assert.equal(u.outputTokens, 3);
      assert.notEqual(u.estimated, true);
    }
  });

  it('openai: a stream with no usage chunk is recorded as estimated, with tokens above zero', async () => {
    const stdout = await run('openai', { omitUsage: true });
    const usage = recordedUsage(stdout);
    assert.ok(usage.length >= 3, `the planner and the agent's turns were recorded: ${usage.length}`);
    for (const u of usage) {
      assert.equal(u.estimated, true, 'marked as estimated, not reported');
      assert.ok(u.inputTokens > 0 && u.outputTokens > 0, `never zero: ${JSON.stringify(u)}`);
    }
  });
});
