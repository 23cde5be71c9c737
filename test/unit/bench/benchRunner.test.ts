import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from '../../bench/benchTypes';
import { makespanSection } from '../../bench/makespanBench';
import { overheadSection } from '../../bench/overheadBench';
import { makespanBoundMs, criticalPathMs, randomLayeredDag, totalWorkMs } from '../../bench/randomDag';
import { parseArgs, runBenchmarks, type RunOptions } from '../../bench/runAll';
import { storeSection } from '../../bench/storeBench';

/** The cells of every Markdown table row, trimmed (Prettier pads them). */
function tableRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s|-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

describe('npm run bench: the runner in quick mode', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ao-bench-test-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('the random DAG is the same for a seed, layered 5–50 wide, and its bound is the critical path or work / concurrency', () => {
    const a = randomLayeredDag(300, { minMs: 10, maxMs: 200 }, 7);
    const b = randomLayeredDag(300, { minMs: 10, maxMs: 200 }, 7);
    assert.deepEqual([...a.latencyMs], [...b.latencyMs]);
    assert.deepEqual([...a.deps], [...b.deps]);
    assert.notDeepEqual([...randomLayeredDag(300, { minMs: 10, maxMs: 200 }, 8).latencyMs], [...a.latencyMs]);
    assert.equal(a.ids.length, 300);
    for (const ms of a.latencyMs.values()) assert.ok(ms >= 10 && ms <= 200, `latency ${ms}`);
    const roots = a.ids.filter((id) => a.deps.get(id)!.length === 0).length;
    assert.ok(roots >= 5 && roots <= 50, `${roots} tasks in the first layer`);
    const chain = {
      ids: ['x', 'y'],
      deps: new Map([
        ['x', []],
        ['y', ['x']],
      ]),
      latencyMs: new Map([
        ['x', 30],
        ['y', 50],
      ]),
      layers: 2,
    };
    assert.equal(criticalPathMs(chain), 80);
    assert.equal(makespanBoundMs(a, Number.POSITIVE_INFINITY), criticalPathMs(a));
    assert.equal(makespanBoundMs(a, 1), totalWorkMs(a));
  });

  it('runs sections with tiny sizes and writes BENCHMARKS.md with the table, anchors, targets, plot, machine and commands', async () => {
    const out = join(dir, 'BENCHMARKS.md');
    const failing: BenchSection = {
      name: 'broken',
      run: () => Promise.reject(new Error('no harness here')),
    };
    const lines: string[] = [];
    const report = await runBenchmarks({
      quick: true,
      outFile: out,
      sections: [makespanSection, storeSection, failing],
      log: (line) => lines.push(line),
      command: 'npm run bench -- --quick',
    });
    const markdown = await readFile(out, 'utf8');
    assert.equal(markdown, report.markdown);
    assert.match(markdown, /^# Benchmarks/);
    assert.match(markdown, /Measured by `npm run bench -- --quick`/);
    const rows = tableRows(markdown);
    assert.ok(
      rows.some((r) => r.join('|') === 'Benchmark|Measure|Value|Anchor (same run)|Ratio|Target|Met'),
      'the results table header',
    );
    const makespanRows = rows.filter((r) => r[0] === 'Makespan' && r[1]!.includes(' tasks ('));
    assert.equal(makespanRows.length, 2 * 2 * 3, 'two sizes × two concurrencies × three engines');
    for (const engine of ['ours in memory', 'ours durable', 'LangGraph'])
      assert.equal(makespanRows.filter((r) => r[1]!.endsWith(`, ${engine}`)).length, 4, engine);
    for (const r of makespanRows)
      assert.match(
        r[3]!,
        r[1]!.includes('concurrency unlimited')
          ? /^critical path: [\d.,]+$/
          : /^max\(critical path, work \/ 8\): [\d.,]+$/,
        r[1],
      );
    assert.equal(report.figures.find((f) => f.benchmark === 'Store')?.measure.startsWith('5,000 events'), true);
    for (const f of report.figures.filter((x) => x.benchmark === 'Makespan')) {
      assert.ok(f.anchor && f.anchor.value > 0 && f.ratio !== undefined, f.measure);
      assert.ok(f.ratio >= 0.9, `${f.measure}: a makespan cannot beat its lower bound (${f.ratio})`);
    }
    const storeRow = rows.find((r) => r[0] === 'Store' && r[1]!.startsWith('5,000 events appended durably'));
    assert.ok(storeRow, 'the store row');
    assert.match(storeRow[2]!, /^[\d,.]+ events\/s$/);
    assert.match(storeRow[3]!, /^fs floor .*: [\d,.]+$/);
    assert.equal(storeRow[5], '≥ 200,000 events/s');
    assert.match(storeRow[6]!, /^(yes|\*\*no\*\*)$/);
    assert.match(markdown, /Section broken failed: no harness here/);
    assert.match(markdown, /- CPU: .+ × \d+/);
    assert.match(markdown, /- Node: v\d+/);
    assert.ok(rows.some((r) => r.join('|') === 'Makespan|`npm run bench -- --only makespan`'));
    assert.match(markdown, /!\[Makespan against critical path\]\(docs\/bench\/makespan\.svg\)/);
    const svg = await readFile(report.svgFile, 'utf8');
    assert.equal(report.svgFile, join(dir, 'docs', 'bench', 'makespan.svg'));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const series of ['critical path', 'ours in memory', 'LangGraph'])
      assert.ok(svg.includes(`>${series}</text>`), series);
    assert.equal((svg.match(/<polyline /g) ?? []).length, 4, 'critical path and three engines');
    assert.ok(
      lines.some((l) => l.startsWith('Benchmark  ')),
      'the table is printed',
    );
  });

  it('refuses unknown flags and sections with what to type instead, before running anything', async () => {
    assert.throws(
      () => parseArgs(['--fast'], dir),
      /Unknown argument "--fast"\. Use: npm run bench -- \[--quick\].*\[--no-install\]/,
    );
    assert.deepEqual(parseArgs(['--quick', '--only', 'store,makespan'], dir), {
      quick: true,
      only: ['store', 'makespan'],
      outFile: join(dir, 'BENCHMARKS.md'),
    });
    const out = join(dir, 'BENCHMARKS.md');
    await assert.rejects(
      runBenchmarks({ quick: true, outFile: out, only: ['stor'], log: () => undefined }),
      /Unknown section stor; choose from makespan, overhead, footprint, end-to-end, checkpoints, rates, store, webview\./,
    );
    await assert.rejects(readFile(out), /ENOENT/, 'nothing written');
  });

  it('installs what the browser sections need once, before any section runs, unless told not to', async () => {
    const order: string[] = [];
    const lines: string[] = [];
    const section = (name: string): BenchSection => ({
      name,
      run: async () => {
        order.push(name);
        return [];
      },
    });
    const sections = [section('makespan'), section('footprint'), section('webview')];
    /** One quick run with `install` as the installer; what ran, in order, and what was logged. */
    const runWith = async (install: () => Promise<string[]>, options: Partial<RunOptions> = {}) => {
      order.length = 0;
      lines.length = 0;
      const installer = async (): Promise<string[]> => {
        order.push('install');
        return install();
      };
      await runBenchmarks({
        quick: true,
        outFile: join(dir, 'BENCHMARKS.md'),
        sections,
        installPrerequisites: installer,
        log: (l) => lines.push(l),
        ...options,
      });
      return [...order];
    };
    const chromiumMissing = async (): Promise<string[]> => [
      'Chromium is not at /usr/bin/chromium (fix: sudo apt-get install -y chromium)',
    ];

    assert.deepEqual(await runWith(chromiumMissing), ['install', 'makespan', 'footprint', 'webview']);
    assert.ok(
      lines.some((l) =>
        /^== prerequisites still missing after [\d.]+ s: Chromium is not at \/usr\/bin\/chromium/.test(l),
      ),
      lines.join('\n'),
    );

    assert.deepEqual(
      await runWith(chromiumMissing, { only: ['makespan'] }),
      ['makespan'],
      'no browser section, nothing installed',
    );

    const unreachable = async (): Promise<string[]> => {
      throw new Error('npm registry unreachable');
    };
    assert.deepEqual(
      await runWith(unreachable),
      ['install', 'makespan', 'footprint', 'webview'],
      'a failed install still runs every section',
    );
    assert.ok(
      lines.some((l) => l.includes('still missing') && l.includes('the install failed: npm registry unreachable')),
      lines.join('\n'),
    );

    const noInstall = parseArgs(['--no-install', '--quick'], dir);
    assert.equal(noInstall.install, false);
    assert.deepEqual(await runWith(chromiumMissing, noInstall), ['makespan', 'footprint', 'webview'], '--no-install');
  });

  it('sets the overhead with the store on beside LangGraph with its MemorySaver checkpointer, at the smaller size only', async () => {
    const figures = await overheadSection.run({ quick: true, log: () => undefined, plot: [] });
    const checkpointed = figures.filter((f) => f.anchor?.name === 'LangGraph run with MemorySaver checkpointer');
    assert.equal(checkpointed.length, 1, 'one row, at the smaller size');
    const row = checkpointed[0]!;
    assert.match(
      row.measure,
      /^60 zero-latency tasks .*, ours store on \(fdatasynced log\) against a checkpointing LangGraph/,
    );
    const storeOn = figures.find(
      (f) => f.measure.startsWith('60 ') && f.measure.includes(', ours store on (median of'),
    );
    assert.equal(row.value, storeOn?.value, 'the same run of ours as the store-on row');
    assert.ok(row.anchor!.value > 0);
    assert.ok(Math.abs(row.ratio! - row.value / row.anchor!.value) <= 0.01 * row.ratio!, 'ratio is value / anchor');
  });
});
