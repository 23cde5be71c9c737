import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskView } from '../../src/protocol/graph';
import type { HostMessage } from '../../src/protocol/messages';
import { useBrowserSuite, usePanelPage } from './support/browserSuite';
import { ARTIFACTS, layeredTasks, RUN_ID, snapshot, taskView } from './support/panelBuilders';
import type { PanelPage } from './support/webviewPage';

/** One measured snapshot: the layout's time, the rest until the frame is painted, and what was drawn. */
interface Timing {
  layoutMs: number;
  renderMs: number;
  totalMs: number;
  nodesDrawn: number;
}

/** Posts a snapshot and waits for the frame after the graph of the new shape is committed. */
async function timeSnapshot(panel: PanelPage, message: HostMessage): Promise<Timing> {
  // The message reaches the page first, so copying it in is not counted as the page's work.
  await panel.page.evaluate((m) => ((window as unknown as { __pending: unknown }).__pending = m), message);
  const measured = await panel.page.evaluate(async () => {
    const m = (window as unknown as { __pending: unknown }).__pending;
    // No named functions in here: the test's transpiler would wrap them in a helper the page lacks.
    const shape = document.querySelector('[data-testid=graph]')?.getAttribute('data-shape') ?? null;
    const started = performance.now();
    window.postMessage(m, '*');
    while ((document.querySelector('[data-testid=graph]')?.getAttribute('data-shape') ?? null) === shape) {
      await new Promise((r) => requestAnimationFrame(r));
    }
    await new Promise((r) => requestAnimationFrame(r));
    const svg = document.querySelector('[data-testid=graph]')!;
    return {
      totalMs: performance.now() - started,
      layoutMs: Number(svg.getAttribute('data-layout-ms')),
      nodesDrawn: Number(svg.getAttribute('data-nodes-drawn')),
    };
  });
  return { ...measured, renderMs: measured.totalMs - measured.layoutMs };
}

/** `layeredTasks(count)` with ids prefixed by the run. */
function renamed(count: number, run: number): TaskView[] {
  return layeredTasks(count).map((t) => ({ ...t, id: `r${run}-${t.id}`, deps: t.deps.map((d) => `r${run}-${d}`) }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)]! * 10) / 10;
}

describe('run panel graph speed (headless Chromium)', function () {
  this.timeout(60_000);
  const suite = useBrowserSuite();
  const panel = usePanelPage(suite);

  it('reports layout and render times for 100 and 1,000 tasks, median of 3 (reported, not asserted)', async () => {
    const report: Record<string, Timing & { runs: Timing[]; fitAllMs?: number }> = {};
    for (const count of [100, 1000]) {
      const runs: Timing[] = [];
      // Each run a new shape (other ids): a snapshot of the shape already shown would reuse its layout.
      for (let run = 0; run < 3; run++) runs.push(await timeSnapshot(panel(), snapshot(renamed(count, run))));
      for (const r of runs) {
        assert.ok(r.layoutMs > 0, 'the layout ran for every snapshot (no layout is reused across snapshots)');
        assert.ok(r.nodesDrawn > 0 && r.nodesDrawn <= count, `${r.nodesDrawn} of ${count} nodes drawn`);
      }
      // Fit shows every node (as boxes with their icon when that small): the cost of drawing them all.
      const fitAllMs = await panel().page.evaluate(async (n) => {
        const started = performance.now();
        (document.querySelector('[data-testid=fit]') as HTMLElement).click();
        while (document.querySelectorAll('[data-task-id]').length !== n) {
          await new Promise((r) => requestAnimationFrame(r));
        }
        await new Promise((r) => requestAnimationFrame(r));
        return performance.now() - started;
      }, count);
      report[`${count} tasks`] = {
        layoutMs: median(runs.map((r) => r.layoutMs)),
        renderMs: median(runs.map((r) => r.renderMs)),
        totalMs: median(runs.map((r) => r.totalMs)),
        nodesDrawn: median(runs.map((r) => r.nodesDrawn)),
        fitAllMs: Math.round(fitAllMs),
        runs,
      };
      assert.equal(await panel().page.locator('[data-task-id]').count(), count, 'Fit draws every node');
      const edges = await panel().page.evaluate(() => {
        const lines = document.querySelectorAll('polyline.edge').length;
        const paths = [...document.querySelectorAll('path.edge')].map((p) => Number(p.getAttribute('data-edges')));
        return paths.reduce((sum, n) => sum + n, lines);
      });
      assert.ok(edges > count, `and every edge (${edges})`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'render-times.json'), `${JSON.stringify(report, null, 2)}\n`);
    const brief = Object.entries(report).map(
      ([k, t]) =>
        `${k}: layout ${t.layoutMs} ms, render ${t.renderMs} ms, total ${t.totalMs} ms, fit all ${t.fitAllMs} ms`,
    );
    console.log(`      median of 3 — ${brief.join('; ')}`);
  });

  it('opens a 1,000-task graph readable, drawing only the nodes in view', async () => {
    await panel().send(snapshot(layeredTasks(1000)));
    await panel().page.locator('[data-task-id=t0] .node-title').waitFor();
    const drawn = await panel().page.locator('[data-task-id]').count();
    assert.ok(drawn > 0 && drawn < 300, `${drawn} nodes in the DOM`);
    assert.ok((await panel().page.locator('.node-title').count()) > 0, 'titles are drawn at the opening zoom');
  });

  it('a status event re-renders its node only and does not lay the graph out again', async () => {
    const tasks = layeredTasks(40, 5);
    await panel().send(snapshot(tasks));
    await panel().page.locator('[data-task-id=t39]').waitFor();
    const shape = await panel().page.getAttribute('[data-testid=graph]', 'data-shape');
    const touched = await panel().page.evaluate(
      async (event) => {
        const ids = new Set<string>();
        const observer = new MutationObserver((records) => {
          for (const r of records) {
            const target = r.target instanceof Element ? r.target : r.target.parentElement;
            ids.add(target?.closest('[data-task-id]')?.getAttribute('data-task-id') ?? '(outside a node)');
          }
        });
        observer.observe(document.querySelector('[data-testid=graph] > g')!, {
          subtree: true,
          attributes: true,
          childList: true,
          characterData: true,
        });
        window.postMessage(event, '*');
        while (!document.querySelector('[data-task-id=t12][data-status=failed]')) {
          await new Promise((r) => requestAnimationFrame(r));
        }
        await new Promise((r) => requestAnimationFrame(r));
        observer.disconnect();
        return [...ids];
      },
      {
        type: 'event',
        runId: RUN_ID,
        event: { kind: 'task', task: { ...tasks[12]!, status: 'failed' } },
      } satisfies HostMessage,
    );
    assert.deepEqual(touched, ['t12']);
    assert.equal(await panel().page.getAttribute('[data-testid=graph]', 'data-shape'), shape, 'same layout');
  });

  it('a snapshot of the shape already shown (a panel shown again) keeps the layout', async () => {
    const first = await timeSnapshot(panel(), snapshot(layeredTasks(300)));
    const transform = (): Promise<string | null> => panel().page.getAttribute('[data-testid=graph] > g', 'transform');
    const opening = await transform();
    await panel().page.locator('[data-testid=fit]').click();
    const fitted = await transform();
    assert.notEqual(fitted, opening, 'Fit moved the view');
    const failed = layeredTasks(300).map((t) => ({ ...t, status: 'failed' as const }));
    const again = await timeSnapshot(panel(), snapshot(failed));
    assert.equal(again.layoutMs, first.layoutMs, 'the same layout (its layout time is the first one)');
    assert.equal(await transform(), fitted, 'and the view the person had');
    const statuses = await panel()
      .page.locator('[data-task-id]')
      .evaluateAll((els) => els.map((e) => e.dataset.status));
    assert.ok(statuses.length > 0 && statuses.every((st) => st === 'failed'), 'with the new statuses');
    const other = await timeSnapshot(panel(), snapshot(layeredTasks(299)));
    assert.notEqual(other.layoutMs, first.layoutMs, 'a new shape is laid out anew');
  });

  it('arrow keys on a large graph pan to the selected node', async () => {
    await panel().send(snapshot(layeredTasks(1000)));
    await panel().page.locator('[data-task-id=t0]').click();
    await panel().page.focus('[data-testid=graph]');
    for (let i = 0; i < 15; i++) await panel().page.keyboard.press('ArrowDown');
    const id = await panel().page.locator('[aria-selected=true][data-task-id]').getAttribute('data-task-id');
    assert.ok(id !== null && Number(id.slice(1)) >= 150, `15 steps down reach rank 15, not ${id}`);
    const box = await panel().page.locator(`[data-task-id=${id}]`).boundingBox();
    const canvas = await panel().page.locator('[data-testid=graph]').boundingBox();
    assert.ok(box && canvas && box.y >= canvas.y && box.y + box.height <= canvas.y + canvas.height, 'in view');
  });

  it('shows every status with its codicon, also in the legend', async () => {
    const statuses = ['pending', 'ready', 'running', 'awaitingApproval', 'succeeded', 'failed'] as const;
    const more = ['retrying', 'skipped', 'cancelled'] as const;
    const tasks = [...statuses, ...more].map((status, i) => taskView(`s${i}`, [], { status }));
    await panel().send(snapshot(tasks));
    await panel().page.locator('[data-task-id=s8]').waitFor();
    const icons = await panel()
      .page.locator('.node-icon')
      .evaluateAll((els) =>
        els.map((el) => ({ icon: el.getAttribute('data-icon'), font: getComputedStyle(el).fontFamily })),
      );
    assert.equal(new Set(icons.map((i) => i.icon)).size, 9, JSON.stringify(icons));
    assert.ok(icons.every((i) => i.font === 'codicon'));
    const fontLoaded = await panel().page.evaluate(async () => {
      await document.fonts.ready;
      return document.fonts.check('16px codicon');
    });
    assert.ok(fontLoaded, 'the codicon font loaded under the CSP');
    assert.equal(await panel().page.locator('.legend .codicon').count(), 9);
    assert.equal(await panel().page.locator('[data-task-id=s2] .node-icon.codicon-modifier-spin').count(), 1);
  });
});
