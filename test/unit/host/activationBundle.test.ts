import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';

const REPO_ROOT = resolve(__dirname, '../../..');
const run = promisify(execFile);

/** The provider SDKs, tokenizers and MCP SDKs stay requires of their own files, as esbuild.mjs's lazySdks plugin keeps them. */
const lazySdks: esbuild.Plugin = {
  name: 'lazy-sdks',
  setup(build) {
    build.onResolve(
      { filter: /^(openai|@anthropic-ai\/sdk|gpt-tokenizer\/.*|@modelcontextprotocol\/sdk\/.*|\.\/mcpClientSdk)$/ },
      (args) => ({ path: args.path, external: true }),
    );
  },
};

const bundleOptions = (entry: string): esbuild.BuildOptions => ({
  entryPoints: [join(REPO_ROOT, entry)],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  logLevel: 'silent',
  plugins: [lazySdks],
});

/** What one run of test/bench/vscodeStubChild.js prints. */
interface StubRun {
  activateMs?: number;
  activateError?: string;
  firstCommandMs?: number;
  firstCommandError?: string;
}

describe('host activation bundle: dist/extension.js is the first screen, dist/engine.js the rest', () => {
  it('the activation bundle holds the views, status bar, command table and loader only: no engine module, no library', async () => {
    const result = await esbuild.build({ ...bundleOptions('src/host/extension.ts'), write: false, metafile: true });
    const inputs = Object.keys(result.metafile.inputs).map((file) => file.replace(/^.*?(src|node_modules)\//, '$1/'));
    const allowed =
      /^src\/(host\/(extension\.ts|activation\/|views\/|statusBar\/|codeCache\/|panel\/runPanel(Html|Csp)\.ts)|core\/(common\/|model\/|store\/runLayout\.ts))/;
    assert.deepEqual(
      inputs.filter((file) => !allowed.test(file)),
      [],
      'activation pulled in engine modules or libraries; reach them through the engine (activation/engineContract.ts)',
    );
    // The run vocabulary it uses must not bring zod (schemas live in files of their own, e.g. model/usageSchema.ts).
    assert.ok(!inputs.some((file) => file.includes('zod')));
  });

  it('under a stub host the built bundles activate, the first command loads the engine bundle, and both get a code cache', async function () {
    this.timeout(60_000);
    const root = await mkdtemp(join(tmpdir(), 'ao-activation-bundle-'));
    try {
      const dist = join(root, 'dist');
      await Promise.all(
        [
          ['src/host/extensionLoader.ts', 'extensionLoader.js'],
          ['src/host/extension.ts', 'extension.js'],
          ['src/host/engineMain.ts', 'engine.js'],
        ].map(([entry, out]) => esbuild.build({ ...bundleOptions(entry!), outfile: join(dist, out!) })),
      );
      await copyFile(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
      const storage = join(root, 'storage');
      const once = async (): Promise<StubRun> => {
        const { stdout } = await run(
          process.execPath,
          [join(REPO_ROOT, 'test/bench/vscodeStubChild.js'), join(dist, 'extensionLoader.js'), storage],
          { cwd: REPO_ROOT, timeout: 30_000 },
        );
        return JSON.parse(stdout.trim().split('\n').at(-1)!) as StubRun;
      };
      for (const start of ['first start', 'second start, from the code caches']) {
        const measured = await once();
        assert.equal(measured.activateError, undefined, start);
        assert.equal(measured.firstCommandError, undefined, start);
        assert.equal(typeof measured.firstCommandMs, 'number', `${start}: Refresh Runs ran`);
        const caches = (await readdir(join(storage, 'code-cache'))).map((name) => name.replace(/-.*$/, ''));
        assert.deepEqual(caches.sort(), ['engine', 'extension'], start);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
