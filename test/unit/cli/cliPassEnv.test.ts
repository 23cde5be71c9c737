import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { UsageError } from '../../../src/cli/usageError';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { cliEnv, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { scriptedTeam } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

/** A variable named like a secret: withheld from checks unless passed by its exact name. */
const NAME = 'MY_TOOL_TOKEN';
const VALUE = 'tool-token-7f3a9c';

/** A check (outside the workspace) that records what it saw of NAME and of the provider key. */
const PROBE = `const fs = require('node:fs');
fs.appendFileSync(process.argv[2], JSON.stringify({ tool: process.env.${NAME} ?? null, key: process.env.OPENAI_API_KEY ?? null }) + '\\n');
`;

describe('checklist 28: --pass-env lets a check see a variable the user names, and never a key', function () {
  this.timeout(60_000);

  describe('parsing', () => {
    const parse = (...argv: string[]) => parseCliArgs(argv, '/tmp', BUILTIN_PROVIDERS);

    it('takes names and * patterns, repeatable, without duplicates', () => {
      const args = parse('run', 'g', '--pass-env', 'JAVA_HOME', '--pass-env', 'MY_APP_*', '--pass-env', 'JAVA_HOME');
      assert.equal(args.kind, 'run');
      assert.deepEqual(args.kind === 'run' ? args.passEnv : undefined, ['JAVA_HOME', 'MY_APP_*']);
      const none = parse('run', 'g');
      assert.deepEqual(none.kind === 'run' ? none.passEnv : undefined, []);
    });

    it('refuses what is not a variable name, and refuses it on resume (a run keeps its names)', () => {
      for (const bad of ['', 'A=B', 'PATH HOME', '$HOME', 'A;B']) {
        assert.throws(
          () => parse('run', 'g', '--pass-env', bad),
          (err: Error) =>
            err instanceof UsageError && /--pass-env .* is not a variable name; give one name/.test(err.message),
          `--pass-env ${JSON.stringify(bad)}`,
        );
      }
      assert.throws(
        () => parse('resume', 'run-m1abc-0123456789', '--pass-env', 'JAVA_HOME'),
        (err: Error) => err instanceof UsageError && /keeps the --pass-env names it was started with/.test(err.message),
      );
    });
  });

  describe('a real CLI run', () => {
    useCliBundle();
    const sandbox = useSandbox();
    let server: FakeModelServer;
    const startServer = useFakeModelServer();
    beforeEach(async () => {
      // One task that writes a file: the check runs as the baseline, after the task and at the end.
      server = await startServer({ respond: scriptedTeam('Check', [{ id: 'a', title: 'Write a' }]) });
    });

    async function probeRun(extra: string[]): Promise<Array<{ tool: string | null; key: string | null }>> {
      const { root, state, ws } = sandbox();
      const probe = join(root, 'probe.js');
      const seen = join(root, 'seen.jsonl');
      await writeFile(probe, PROBE);
      const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey, [NAME]: VALUE });
      const r = await runCli(
        ['run', 'Check', '--approve', 'auto', '--verify', `node ${probe} ${seen}`, '--workspace', ws]
          .concat(['--state-dir', state, '--base-url', server.openAiBaseUrl])
          .concat(extra),
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const lines = (await readFile(seen, 'utf8')).trim().split('\n');
      return lines.map((l) => JSON.parse(l) as { tool: string | null; key: string | null });
    }

    it('without --pass-env the check sees neither the named variable nor the key', async () => {
      const seen = await probeRun([]);
      assert.ok(seen.length >= 1, 'the check ran');
      for (const s of seen) assert.deepEqual(s, { tool: null, key: null });
    });

    it('with --pass-env the check sees that variable and still not the key', async () => {
      const seen = await probeRun(['--pass-env', NAME, '--pass-env', 'OPENAI_*']);
      assert.ok(seen.length >= 1, 'the check ran');
      // A pattern never brings back a name that looks like a secret: only the exact name does.
      for (const s of seen) assert.deepEqual(s, { tool: VALUE, key: null });
    });
  });
});
