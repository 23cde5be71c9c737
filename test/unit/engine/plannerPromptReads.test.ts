import { strict as assert } from 'node:assert';
import { link, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/cliMain';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply } from '../../support/fakeModelServer/fakeReply';
import { memoryCliIo } from '../../support/memoryCliIo';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const SECRET = 'sk-live-planner-0123456789';
const OUTSIDE_SECRET = 'outside-token-9876543210';

describe("checklist 34: the planner's prompt gets only what read_file would show", function () {
  this.timeout(30_000);
  let dir: string;
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-planner-reads-')));
    server = await startServer({
      replies: [
        jsonReply({
          goal: 'Rotate the key',
          tasks: [{ id: 'rotate', title: 'Rotate the API key', writes: ['src/config.ts'] }],
        }),
      ],
    });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a .env and a hard link to a file outside the workspace never reach the model, though the goal names their words', async () => {
    const ws = join(dir, 'ws');
    await mkdir(join(ws, 'src'), { recursive: true });
    await writeFile(join(ws, '.env'), `API_KEY=${SECRET}\n`);
    await writeFile(join(ws, 'README.md'), '# Service\n\nThe API key is read from the environment.\n');
    await writeFile(join(ws, 'src/config.ts'), 'export const apiKey = process.env.API_KEY;\n');
    await writeFile(join(dir, 'credentials'), `token=${OUTSIDE_SECRET}\n`);
    await link(join(dir, 'credentials'), join(ws, 'token.txt'));

    const run = memoryCliIo(dir, { OPENAI_API_KEY: server.apiKey });
    const args = ['run', 'Rotate the API_KEY and the token', '--dry-run', '--json', '--workspace', ws];
    const code = await runCli([...args, '--state-dir', join(dir, 'state'), '--base-url', server.openAiBaseUrl], run.io);
    assert.equal(code, 0, run.stderr());
    assert.equal(server.requests.length, 1);
    const prompt = JSON.stringify(server.requests[0]!.body);
    assert.match(prompt, /The API key is read from the environment/, 'the summary reached the planner');
    assert.match(prompt, /src\/config\.ts/);
    assert.ok(!prompt.includes(SECRET), 'the .env content was sent to the model');
    assert.ok(!prompt.includes(OUTSIDE_SECRET), 'the hard-linked file outside was sent to the model');
  });
});
