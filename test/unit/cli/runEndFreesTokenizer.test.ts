import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/cliMain';
import { OPENAI_TOKENIZERS } from '../../../src/core/llm/openAiTokenizer';
import { jsonReply } from '../../support/fakeModelServer/fakeReply';
import { memoryCliIo } from '../../support/memoryCliIo';
import { useFakeModelServer } from '../../support/useFakeModelServer';

describe('CLI: the tokenizer worker stops when the run completes, not when the process exits', function () {
  this.timeout(30_000);
  const startServer = useFakeModelServer();
  let dir: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-cli-tokenizer-')));
    await mkdir(join(dir, 'ws'));
    await writeFile(join(dir, 'ws', 'README.md'), '# Tokenizer\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a run that loaded the encoding frees it by the time the command returns, and the plan was counted and made', async () => {
    const server = await startServer({
      replies: [jsonReply({ goal: 'Say hello', tasks: [{ id: 'hello', title: 'Write hello.txt' }] })],
    });
    await OPENAI_TOKENIZERS.o200k_base.load();
    assert.equal(OPENAI_TOKENIZERS.o200k_base.ready, true);
    const args = ['run', 'Say hello', '--dry-run', '--json', '--workspace', join(dir, 'ws')];
    args.push('--model', 'gpt-4o', '--base-url', server.openAiBaseUrl, '--state-dir', join(dir, 'state'));
    const cli = memoryCliIo(dir, { OPENAI_API_KEY: server.apiKey });
    const code = await runCli(args, cli.io);
    assert.equal(code, 0, cli.stderr());
    const last = JSON.parse(cli.stdout().trim().split('\n').at(-1)!) as { status?: string };
    assert.equal(last.status, 'planned');
    assert.equal(server.requests.length, 1);
    assert.equal(OPENAI_TOKENIZERS.o200k_base.ready, false, 'the encoding was freed when the run completed');
  });
});
