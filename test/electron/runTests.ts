/**
 * Runs test/electron/suite inside a desktop VS Code's Extension Development Host through
 * @vscode/test-electron. Not part of `npm test`: without VSCODE_EXECUTABLE_PATH it downloads VS Code,
 * which needs internet (the workbench suite, test/workbench, covers offline machines through code-server).
 * Run: npm run test:electron [-- --help]
 */
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');
const SUITE_SOURCE = join(__dirname, 'suite');
const SUITE_OUT = join(REPO_ROOT, 'out', 'test', 'electron', 'suite');

const HELP = `npm run test:electron — the extension's tests inside a desktop VS Code (Extension Development Host)

Environment:
  VSCODE_EXECUTABLE_PATH  a local VS Code binary (e.g. /usr/share/code/code); used instead of a download
  VSCODE_VERSION          the version @vscode/test-electron downloads otherwise (default: stable)

Without VSCODE_EXECUTABLE_PATH, VS Code is downloaded from update.code.visualstudio.com, so this
suite needs internet and is not part of \`npm test\`; test/workbench (code-server + Chromium,
\`npm run test:workbench\`) runs the extension in a real workbench offline.
On a Linux machine without a display, run it under xvfb: xvfb-run -a npm run test:electron
`;

/** Bundles the suite (the runner and each *.test.ts) to CommonJS that the extension host can load; `vscode` and `mocha` stay external. */
async function buildSuite(): Promise<void> {
  rmSync(SUITE_OUT, { recursive: true, force: true });
  const entryPoints = readdirSync(SUITE_SOURCE)
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => join(SUITE_SOURCE, name));
  await esbuild.build({
    entryPoints,
    outdir: SUITE_OUT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) {
    process.stderr.write('dist/extension.js is missing: run `npm run build` first (npm run test:electron does).\n');
    return 1;
  }
  await buildSuite();

  // A fresh workspace, user data and extensions dir: no settings or extensions of this machine leak in.
  const scratch = mkdtempSync(join(tmpdir(), 'ao-electron-'));
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'README.md'), '# Extension test workspace\n');
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH || undefined;
  if (!vscodeExecutablePath)
    process.stderr.write(
      `No VSCODE_EXECUTABLE_PATH: @vscode/test-electron downloads VS Code ${process.env.VSCODE_VERSION ?? 'stable'} (needs internet).\n`,
    );
  try {
    return await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: join(SUITE_OUT, 'index.js'),
      ...(vscodeExecutablePath ? { vscodeExecutablePath } : { version: process.env.VSCODE_VERSION ?? 'stable' }),
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${join(scratch, 'user-data')}`,
        `--extensions-dir=${join(scratch, 'extensions')}`,
      ],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`The electron suite failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!process.env.VSCODE_EXECUTABLE_PATH)
      process.stderr.write(
        'No internet? Set VSCODE_EXECUTABLE_PATH to a local VS Code, or run `npm run test:workbench` (offline, code-server).\n',
      );
    process.exit(1);
  },
);
