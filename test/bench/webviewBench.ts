import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { round } from './benchTypes';

const ARTIFACTS = join(resolve(__dirname, '../..'), '.test-artifacts', 'webview');
const COMMAND = 'npm run test:webview, then npm run bench -- --only webview';

async function readJson<T>(name: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(join(ARTIFACTS, name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * The run panel's layout/render times and log scroll frame times, as the browser harness
 * (npm run test:webview) last wrote them; the figures say when they are missing.
 */
export const webviewSection: BenchSection = {
  name: 'webview',
  async run(options: BenchOptions): Promise<Figure[]> {
    const render = await readJson<Record<string, { layoutMs: number; totalMs: number }>>('render-times.json');
    const scroll = await readJson<{
      lines: number;
      domRows: number;
      frameMs: { p50: number; p95: number; max: number };
    }>('log-scroll-times.json');
    const figures: Figure[] = [];
    const note =
      'Webview figures are read from .test-artifacts/webview/ as `npm run test:webview` last wrote them (Chromium, same machine), not measured by this run.';
    for (const [label, t] of Object.entries(render ?? {}))
      figures.push({
        benchmark: 'Webview',
        measure: `run panel graph, ${label}: layout (dagre) within render`,
        value: round(t.layoutMs),
        unit: 'ms',
        anchor: { name: 'total render to last node', value: round(t.totalMs) },
        ratio: round(t.layoutMs / t.totalMs),
        command: COMMAND,
        note,
      });
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
      throw new Error('no webview timings in .test-artifacts/webview/: run npm run test:webview first');
    options.log(`webview: ${figures.length} figures read from ${ARTIFACTS}`);
    return figures;
  },
};
