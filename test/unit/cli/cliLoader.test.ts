import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { version } from '../../../package.json';
import { cliEnv, REPO_ROOT } from '../../support/cliProcess';

const run = promisify(execFile);

describe('the CLI loader (dist/cli.js): the bundle through a code cache beside it, one per command', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-cli-loader-'));
    const shared = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' } as const;
    await build({ ...shared, entryPoints: [join(REPO_ROOT, 'src/cli/cliLoader.ts')], outfile: join(dir, 'cli.js') });
    await build({ ...shared, entryPoints: [join(REPO_ROOT, 'src/cli/cli.ts')], outfile: join(dir, 'cliBundle.js') });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const caches = async (): Promise<string[]> =>
    (await readdir(join(dir, 'code-cache')).catch(() => [] as string[])).filter((f) => f.endsWith('.v8cache')).sort();

  it('runs the CLI, writes the cache of its command on exit, and uses it on the next run', async () => {
    const env = cliEnv(dir);
    const first = await run(process.execPath, [join(dir, 'cli.js'), '--version'], { env });
    assert.equal(first.stdout, `${version}\n`);
    const written = await caches();
    assert.equal(written.length, 1);
    assert.match(written[0]!, /^cliBundle-other-/);
    const second = await run(process.execPath, [join(dir, 'cli.js'), '--version'], { env });
    assert.equal(second.stdout, `${version}\n`);
    assert.deepEqual(await caches(), written, 'a hit rewrites nothing');

    const state = join(dir, 'state');
    const list = await run(process.execPath, [join(dir, 'cli.js'), 'list', '--state-dir', state], { env });
    assert.match(list.stderr, /No runs yet/);
    const both = await caches();
    assert.equal(both.length, 2, 'list has a cache of its own, and the other one stays');
    assert.ok(both.some((f) => f.startsWith('cliBundle-list-')));
  });

  it('runs the provider SDK files the bundle requires (dist/sdk/*.js) through caches of their own, written on exit', async () => {
    const app = join(dir, 'with-sdk');
    await mkdir(join(app, 'sdk'), { recursive: true });
    await copyFile(join(dir, 'cli.js'), join(app, 'cli.js'));
    await writeFile(
      join(app, 'cliBundle.js'),
      '"use strict";\nconst sdk = require("./sdk/fake.js");\nprocess.stdout.write(sdk.hello() + "\\n");\n',
    );
    await writeFile(join(app, 'sdk', 'fake.js'), '"use strict";\nexports.hello = () => "hello from the SDK";\n');
    const appCaches = async (): Promise<string[]> =>
      (await readdir(join(app, 'code-cache'))).filter((f) => f.endsWith('.v8cache')).sort();
    const stamps = async (): Promise<number[]> =>
      Promise.all((await appCaches()).map(async (f) => (await stat(join(app, 'code-cache', f))).mtimeMs));

    const first = await run(process.execPath, [join(app, 'cli.js'), 'run'], { env: cliEnv(app) });
    assert.equal(first.stdout, 'hello from the SDK\n');
    assert.deepEqual(
      (await appCaches()).map((f) => f.replace(/-\d.*$/, '')),
      ['cliBundle-run', 'sdk_fake-run'],
    );
    const written = await stamps();
    const second = await run(process.execPath, [join(app, 'cli.js'), 'run'], { env: cliEnv(app) });
    assert.equal(second.stdout, 'hello from the SDK\n');
    assert.deepEqual(await stamps(), written, 'both were hits: neither is rewritten');
  });
});
