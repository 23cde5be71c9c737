/**
 * `npm run bench`: runs every section, prints the table, writes BENCHMARKS.md and the makespan
 * plot. Flags: `--quick` (tiny sizes, a smoke run), `--only a,b` (some sections),
 * `--out FILE` (where BENCHMARKS.md goes; the SVG goes beside it under docs/bench/),
 * `--no-install` (leave code-server and Chromium alone when they are missing).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { consoleTable, machineFacts, markdownReport } from './benchReport';
import type { BenchSection, Figure, MakespanPoint } from './benchTypes';
import { plainSection } from './benchTypes';
import { runCheckpointBench } from './checkpointBench';
import { endToEndSection } from './endToEndBench';
import { footprintSection } from './footprintBench';
import { makespanSvg } from './makespanPlot';
import { makespanSection } from './makespanBench';
import { overheadSection } from './overheadBench';
import { rateLimitSection } from './rateLimitSection';
import { storeSection } from './storeBench';
import { webviewSection } from './webviewBench';
import { ensurePrerequisites } from '../workbench/support/ensurePrerequisites';
import { describeMissing, extensionBundle } from '../workbench/support/prerequisites';

/** Every section, in the order of the report; a new benchmark is one line here. */
export const SECTIONS: readonly BenchSection[] = [
  makespanSection,
  overheadSection,
  footprintSection,
  endToEndSection,
  plainSection('checkpoints', 'Checkpoints', (quick) => runCheckpointBench(quick ? { checkpoints: 3, files: 20 } : {})),
  rateLimitSection,
  storeSection,
  webviewSection,
];

/** The sections that need code-server and Chromium: the real-workbench activation and the webview harness. */
export const BROWSER_SECTIONS: ReadonlySet<string> = new Set(['footprint', 'webview']);

/** How one invocation of the runner is set up. */
export interface RunOptions {
  quick: boolean;
  /** False with `--no-install`: a missing code-server or Chromium is reported by its rows, not installed. */
  install?: boolean;
  /**
   * Installs what the browser sections need, once, before any section runs (so no section's time
   * includes it), and resolves with what is still missing. Called only when such a section is chosen
   * and `install` is not false; `npm run bench` runs scripts/installCodeServer.sh, as `npm test` does.
   */
  installPrerequisites?: () => Promise<string[]>;
  /** Section names to run; all when undefined. */
  only?: readonly string[];
  /** Where BENCHMARKS.md is written. */
  outFile: string;
  sections?: readonly BenchSection[];
  log?: (line: string) => void;
  /** The command shown in the report. */
  command?: string;
}

/** What a run produced. */
export interface RunReport {
  figures: Figure[];
  markdown: string;
  svgFile: string;
  table: string;
}

/** Reads `--quick`, `--only a,b`, `--out FILE` and `--no-install`; throws with what to type instead on anything else. */
export function parseArgs(
  argv: readonly string[],
  repoRoot: string,
): Omit<RunOptions, 'log' | 'sections' | 'installPrerequisites'> {
  const options: Omit<RunOptions, 'log' | 'sections' | 'installPrerequisites'> = {
    quick: false,
    outFile: join(repoRoot, 'BENCHMARKS.md'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-install') options.install = false;
    else if (arg === '--only' && argv[i + 1]) options.only = argv[++i]!.split(',').map((s) => s.trim());
    else if (arg === '--out' && argv[i + 1]) options.outFile = resolve(argv[++i]!);
    else
      throw new Error(
        `Unknown argument "${arg}". Use: npm run bench -- [--quick] [--only ${SECTIONS.map((s) => s.name).join(',')}] [--out FILE] [--no-install]`,
      );
  }
  return options;
}

/** Runs the chosen sections one after another and writes the report; a section that throws is reported, not fatal. */
export async function runBenchmarks(options: RunOptions): Promise<RunReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const all = options.sections ?? SECTIONS;
  const unknown = (options.only ?? []).filter((name) => !all.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(`Unknown section ${unknown.join(', ')}; choose from ${all.map((s) => s.name).join(', ')}.`);
  const chosen = all.filter((s) => options.only === undefined || options.only.includes(s.name));
  const started = performance.now();
  const facts = machineFacts();
  const plot: MakespanPoint[] = [];
  const figures: Figure[] = [];
  const skipped: string[] = [];
  if (options.install !== false && options.installPrerequisites && chosen.some((s) => BROWSER_SECTIONS.has(s.name))) {
    const installStarted = performance.now();
    log('== prerequisites of the browser sections (code-server, Chromium)');
    // An install that fails costs only its figures: the sections still run and their rows say why.
    const missing = await options
      .installPrerequisites()
      .catch((err: unknown) => [`the install failed: ${err instanceof Error ? err.message : String(err)}`]);
    const took = ((performance.now() - installStarted) / 1000).toFixed(1);
    log(
      missing.length === 0
        ? `== prerequisites ready in ${took} s (not counted in any section)`
        : `== prerequisites still missing after ${took} s: ${missing.join('; ')} (their rows say "not measured")`,
    );
  }
  for (const section of chosen) {
    const sectionStarted = performance.now();
    log(`== ${section.name}`);
    try {
      figures.push(...(await section.run({ quick: options.quick, log, plot })));
    } catch (err) {
      const message = `Section ${section.name} failed: ${err instanceof Error ? err.message : String(err)}`;
      log(message);
      skipped.push(message);
    }
    log(`== ${section.name} took ${((performance.now() - sectionStarted) / 1000).toFixed(1)} s`);
  }
  const svgFile = join(dirname(options.outFile), 'docs', 'bench', 'makespan.svg');
  await mkdir(dirname(svgFile), { recursive: true });
  const svg = makespanSvg(plot);
  await writeFile(svgFile, svg);
  const raw = markdownReport({
    figures,
    plotFile: relative(dirname(options.outFile), svgFile).split('\\').join('/'),
    facts,
    command: options.command ?? 'npm run bench',
    totalSeconds: (performance.now() - started) / 1000,
    date: new Date().toISOString().slice(0, 10),
    skipped,
  });
  // Laid out as `npm run lint` expects, so a fresh report is committed as it is written.
  const markdown = await format(raw, { ...(await resolveConfig(options.outFile)), filepath: options.outFile });
  await writeFile(options.outFile, markdown);
  const table = consoleTable(figures);
  log(table);
  log(`Wrote ${options.outFile} and ${svgFile}.`);
  return { figures, markdown, svgFile, table };
}

if (require.main === module) {
  const repoRoot = resolve(__dirname, '../..');
  const argv = process.argv.slice(2);
  // ensurePrerequisites installs only what is missing; an install that fails leaves the rows to say
  // what to do. The bench measures the production build, so that is what is built when there is none yet.
  const installPrerequisites = async (): Promise<string[]> => {
    if (!existsSync(extensionBundle()))
      execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: repoRoot, stdio: 'inherit' });
    return (await ensurePrerequisites()).map(describeMissing);
  };
  runBenchmarks({
    ...parseArgs(argv, repoRoot),
    installPrerequisites,
    command: ['npm run bench', ...argv].join(' '),
  }).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
