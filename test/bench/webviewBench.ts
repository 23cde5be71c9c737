import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { round } from './benchTypes';

const REPO_ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(REPO_ROOT, '.test-artifacts', 'webview');
const COMMAND = 'npm run bench -- --only webview';
/** The browser harness's timing tests: the run panel graph and the log scroll. */
const TIMING_TESTS = ['test/webview/graphSpeed.test.ts', 'test/webview/logs.test.ts'];
const RENDER_FILE = 'render-times.json';
const SCROLL_FILE = 'log-scroll-times.json';

/** Runs the harness's timing tests in Chromium (they write the JSON files read below). */
async function driveHarness(options: BenchOptions): Promise<void> {
  options.log('webview: running the browser harness timing tests in Chromium');
  // Never report an earlier run's figures as this run's.
  await Promise.all([RENDER_FILE, SCROLL_FILE].map((f) => rm(join(ARTIFACTS, f), { force: true })));
  const mocha = join(REPO_ROOT, 'node_modules/mocha/bin/mocha.js');
  await promisify(execFile)(process.execPath, [mocha, ...TIMING_TESTS, '--grep', 'reported, not asserted'], {
    cwd: REPO_ROOT,
    timeout: 300_000,
  });
}

async function readJson<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(ARTIFACTS, name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * The run panel's layout/render times and log scroll frame times, measured by the browser harness
 * (test/webview, real Chromium) which this section runs; in quick mode the last files are read.
 */
export const webviewSection: BenchSection = {
  name: 'webview',
  async run(options: BenchOptions): Promise<Figure[]> {
    if (!options.quick) await driveHarness(options);
    const render =
      await readJson<Record<string, { layoutMs: number; totalMs: number; fitAllMs?: number }>>(RENDER_FILE);
    const scroll = await readJson<{
      lines: number;
      domRows: number;
      frameMs: { p50: number; p95: number; max: number };
    }>(SCROLL_FILE);
    const figures: Figure[] = [];
    const note = options.quick
      ? 'Quick mode: webview figures are read from .test-artifacts/webview/ as the browser harness last wrote them.'
      : 'Webview figures come from the browser harness timing tests (test/webview, Chromium), run by this section.';
    for (const [label, t] of Object.entries(render ?? {})) {
      figures.push({
        benchmark: 'Webview',
        measure: `run panel graph, ${label}: layout (d3-dag) within render`,
        value: round(t.layoutMs),
        unit: 'ms',
        anchor: { name: 'total render', value: round(t.totalMs) },
        ratio: round(t.layoutMs / t.totalMs),
        command: COMMAND,
        note,
      });
      if (t.fitAllMs !== undefined)
        figures.push({
          benchmark: 'Webview',
          measure: `run panel graph, ${label}: Fit (every node drawn)`,
          value: round(t.fitAllMs),
          unit: 'ms',
          command: COMMAND,
          note,
        });
    }
    if (scroll)
      figures.push({
        benchmark: 'Webview',
        measure: `log scroll over ${scroll.lines.toLocaleString('en-US')} lines (${scroll.domRows} rows in the DOM): frame time p95`,
        value: scroll.frameMs.p95,
        unit: 'ms',
        anchor: { name: 'one 60 Hz frame', value: 16.7 },
        ratio: round(scroll.frameMs.p95 / 16.7),
        command: COMMAND,
        note,
      });
    if (figures.length === 0)
      throw new Error(
        'no webview timings in .test-artifacts/webview/: run npm run bench -- --only webview (not quick), or npm run test:webview',
      );
    options.log(`webview: ${figures.length} figures read from ${ARTIFACTS}`);
    return figures;
  },
};
