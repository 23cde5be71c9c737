import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeModelServer, type FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { cliEnv, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { scriptedTeam } from '../../support/scriptedTeam';
import { ExitCode } from '../../../src/cli/exitCodes';

describe('checklist 24: prices from the command line, and a money budget on an unpriced model', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  beforeEach(async () => {
    server = await startFakeModelServer({ respond: scriptedTeam('Check', [{ id: 'a', title: 'Write a' }]) });
  });
  afterEach(() => server.close());

  async function run(extra: string[]): Promise<{ code: number | null; stderr: string; state: string }> {
    const { root, state, ws } = sandbox();
    const r = await runCli(
      ['run', 'Check', '--approve', 'auto', '--workspace', ws, '--state-dir', state]
        .concat(['--base-url', server.openAiBaseUrl, '--model', 'my-finetune'])
        .concat(extra),
      cliEnv(root, { OPENAI_API_KEY: server.apiKey }),
    );
    return { code: r.code, stderr: r.stderr, state };
  }

  it('refuses a money budget on a model with no price before any request reaches the server', async () => {
    const r = await run(['--budget-usd', '5']);
    assert.equal(r.code, ExitCode.usage, r.stderr);
    assert.match(r.stderr, /A money budget \(\$5\) cannot hold: no price is known for openai\/my-finetune/);
    assert.match(r.stderr, /--price my-finetune=|--price MODEL=/);
    assert.match(r.stderr, /--budget-tokens/);
    assert.equal(server.requests.length, 0, 'the server saw no request');
    const saved = await readdir(join(r.state, 'cli-runs')).catch(() => []);
    assert.deepEqual(saved, [], 'no run was saved');
  });

  it('without a price the summary says the cost is unknown; with --price it shows the cost, and the money budget holds', async () => {
    const unpriced = await run([]);
    assert.equal(unpriced.code, 0, unpriced.stderr);
    assert.match(unpriced.stderr, /tokens.*, unknown/);
    const requestsBefore = server.requests.length;

    const priced = await run(['--price', 'my-finetune=1000/2000', '--budget-usd', '100']);
    assert.equal(priced.code, 0, priced.stderr);
    assert.ok(server.requests.length > requestsBefore, 'the priced run was sent');
    assert.doesNotMatch(priced.stderr, /unknown/);
    const cost = /tokens[^\n]*, \$(\d+\.\d+)/.exec(priced.stderr);
    assert.ok(cost && Number(cost[1]) > 0, `a priced cost in the summary: ${priced.stderr}`);
  });

  it('refuses a malformed --price with what to type', async () => {
    const r = await run(['--price', 'my-finetune=cheap']);
    assert.equal(r.code, ExitCode.usage);
    assert.match(r.stderr, /--price "my-finetune=cheap" is not MODEL=INPUT\/OUTPUT; e\.g\. --price gpt-4o=2\.5\/10/);
    assert.equal(server.requests.length, 0);
  });
});
