import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { cliEnv, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { scriptedTeam } from '../../support/scriptedTeam';
import { ExitCode } from '../../../src/cli/exitCodes';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { UsageError } from '../../../src/cli/usageError';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { useFakeModelServer } from '../../support/useFakeModelServer';

describe('--price, --prices and --no-response-cache parsing', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ao-prices-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const parse = (...argv: string[]) => parseCliArgs(argv, dir);

  it('reads a price file, then --price flags over it, and turns the cache off', async () => {
    await writeFile(
      join(dir, 'prices.json'),
      JSON.stringify({ 'my-finetune': { input: 1, output: 2 }, 'ollama:llama3': { input: 0, output: 0 } }),
    );
    const args = parse('run', 'g', '--prices', 'prices.json', '--price', 'my-finetune=3/4.5', '--no-response-cache');
    assert.equal(args.kind, 'run');
    if (args.kind !== 'run') return;
    assert.deepEqual(args.prices, {
      'my-finetune': { input: 3, output: 4.5 },
      'ollama:llama3': { input: 0, output: 0 },
    });
    assert.equal(args.responseCache, false);
    const plain = parse('run', 'g');
    assert.equal(plain.kind === 'run' ? plain.prices : 'x', undefined);
    assert.equal(plain.kind === 'run' ? plain.responseCache : 'x', undefined, 'the cache is on by default');
  });

  it('refuses a price file that is missing, not JSON or not a price list, saying what to write', async () => {
    await writeFile(join(dir, 'bad.json'), '{"gpt-4o": {"input": -1, "output": 2}}');
    await writeFile(join(dir, 'text.json'), 'input=1');
    for (const [file, pattern] of [
      ['missing.json', /cannot be read/],
      ['text.json', /is not JSON/],
      ['bad.json', /is not a price list \(gpt-4o\.input: .*\); write \{"MODEL": \{"input": 2\.5, "output": 10\}\}/],
    ] as const) {
      assert.throws(
        () => parse('run', 'g', '--prices', file),
        (err: Error) => err instanceof UsageError && pattern.test(err.message),
        file,
      );
    }
  });
});

describe('checklist 24: prices from the command line, and a money budget on an unpriced model', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    server = await startServer({ respond: scriptedTeam('Check', [{ id: 'a', title: 'Write a' }]) });
  });

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
