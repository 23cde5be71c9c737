import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { atMost, round } from './benchTypes';

const REPO_ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);
const COMMAND = 'npm run bench -- --only footprint';

async function sizeKb(file: string): Promise<number> {
  return (await stat(file)).size / 1000;
}

/** require() and activate() of the bundle in a fresh process under a stub `vscode`; the median of `repeats`. */
async function loadTimes(
  bundle: string,
  repeats: number,
): Promise<{ requireMs: number; activateMs?: number; error?: string }> {
  const samples: Array<{ requireMs: number; activateMs?: number; activateError?: string }> = [];
  const storage = await mkdtemp(join(tmpdir(), 'ao-bench-storage-'));
  try {
    for (let i = 0; i < repeats; i++) {
      const { stdout } = await run(process.execPath, [join(__dirname, 'vscodeStubChild.js'), bundle, storage], {
        cwd: REPO_ROOT,
        timeout: 60_000,
      });
      samples.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as (typeof samples)[number]);
    }
  } finally {
    await rm(storage, { recursive: true, force: true });
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const error = samples.find((s) => s.activateError)?.activateError;
  return {
    requireMs: median(samples.map((s) => s.requireMs)),
    ...(error ? { error } : { activateMs: median(samples.map((s) => s.activateMs ?? 0)) }),
  };
}

/** Sizes of the production bundles and VSIX, and require + activate time under a stub host. */
export const footprintSection: BenchSection = {
  name: 'footprint',
  async run(options: BenchOptions): Promise<Figure[]> {
    options.log('footprint: node esbuild.mjs --production (writes dist/)');
    await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: REPO_ROOT, timeout: 300_000 });
    const dist = join(REPO_ROOT, 'dist');
    const figures: Figure[] = [];
    const extensionKb = await sizeKb(join(dist, 'extension.js'));
    figures.push({
      benchmark: 'Footprint',
      measure: 'dist/extension.js, production build',
      value: round(extensionKb),
      unit: 'kB',
      target: atMost(extensionKb / 1000, 1.2, ' MB'),
      command: `${COMMAND} (node esbuild.mjs --production)`,
    });
    const sdks = (await readdir(join(dist, 'sdk')).catch(() => [] as string[])).filter((f) => f.endsWith('.js'));
    for (const file of [...sdks.map((f) => `sdk/${f}`), 'cli.js']) {
      figures.push({
        benchmark: 'Footprint',
        measure: `dist/${file}, production build${file.startsWith('sdk/') ? ' (loaded on first use of its provider)' : ''}`,
        value: round(await sizeKb(join(dist, file))),
        unit: 'kB',
        command: `${COMMAND} (node esbuild.mjs --production)`,
      });
    }
    if (!options.quick) {
      const out = await mkdtemp(join(tmpdir(), 'ao-bench-vsix-'));
      try {
        const vsix = join(out, 'agent-orchestrator.vsix');
        await run(
          process.execPath,
          [join(REPO_ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '-o', vsix],
          {
            cwd: REPO_ROOT,
            timeout: 300_000,
          },
        );
        figures.push({
          benchmark: 'Footprint',
          measure: 'VSIX (vsce package --no-dependencies)',
          value: round(await sizeKb(vsix)),
          unit: 'kB',
          command: 'npm run package',
        });
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
    const times = await loadTimes(join(dist, 'extension.js'), options.quick ? 1 : 5);
    options.log(
      `footprint: require ${times.requireMs.toFixed(1)} ms, activate ${times.activateMs?.toFixed(1) ?? times.error}`,
    );
    figures.push({
      benchmark: 'Footprint',
      measure: 'require(dist/extension.js) under a stub vscode, fresh process (median of runs)',
      value: round(times.requireMs),
      unit: 'ms',
      command: COMMAND,
    });
    if (times.activateMs !== undefined) {
      const total = times.requireMs + times.activateMs;
      figures.push({
        benchmark: 'Footprint',
        measure: 'require + activate() under a stub vscode (every API member a no-op proxy)',
        value: round(total),
        unit: 'ms',
        target: atMost(total, 60, ' ms'),
        command: COMMAND,
        note: 'activate() runs against a stub in which every vscode member is a no-op proxy: it times our own work, not VS Code registering views; the workbench time is not measured here.',
      });
    } else {
      figures.push({
        benchmark: 'Footprint',
        measure: 'require only (activate() needs more of the vscode API than the stub gives)',
        value: round(times.requireMs),
        unit: 'ms',
        target: atMost(times.requireMs, 60, ' ms'),
        command: COMMAND,
        note: `activate() failed under the stub: ${times.error}`,
      });
    }
    return figures;
  },
};
