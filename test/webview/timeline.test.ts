import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostMessage } from '../../src/protocol/messages';
import type { TimelineSegment, TimelineView } from '../../src/protocol/timeline';
import { useBrowserSuite, usePanelPage } from './support/browserSuite';
import { ARTIFACTS, RUN_ID, snapshot, taskView } from './support/panelBuilders';
import { PanelPage } from './support/webviewPage';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

function seg(
  taskId: string,
  lane: number,
  startS: number,
  endS: number | undefined,
  more: Partial<TimelineSegment> = {},
) {
  return {
    taskId,
    attempt: 1,
    agentId: 'coder',
    lane,
    start: T0 + startS * 1000,
    ...(endS !== undefined ? { end: T0 + endS * 1000 } : {}),
    kind: 'attempt' as const,
    ...more,
  };
}

/** Two coder slots, a waiting lane and a tester: attempts, a lock wait before b's start, a rate-limit wait inside c. */
function timeline(): TimelineView {
  return {
    runId: RUN_ID,
    lanes: [
      { index: 0, agentId: 'coder', kind: 'slot', label: 'coder #1' },
      { index: 1, agentId: 'coder', kind: 'slot', label: 'coder #2' },
      { index: 2, agentId: 'coder', kind: 'queue', label: 'coder waiting #1' },
      { index: 3, agentId: 'tester', kind: 'slot', label: 'tester #1' },
    ],
    segments: [
      seg('a', 0, 0, 20, { outcome: 'succeeded' }),
      seg('c', 1, 2, 30, { outcome: 'failed' }),
      seg('b', 2, 3, 20, { kind: 'lock', detail: 'src/x.ts' }),
      seg('b', 0, 20, 40, { outcome: 'succeeded' }),
      seg('c', 1, 5, 12, { kind: 'rateLimit', detail: 'openai/gpt-4o-mini' }),
      seg('d', 3, 10, 25, { agentId: 'tester', outcome: 'cancelled' }),
    ],
  };
}

describe('run panel timeline tab (headless Chromium)', function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();
  const panel = usePanelPage(suite, async (p) => {
    const tasks = ['a', 'b', 'c', 'd'].map((id) => taskView(id, [], { title: `Task ${id.toUpperCase()}` }));
    await p.send(snapshot(tasks));
    await p.send({ type: 'timeline', timeline: timeline() } as HostMessage);
    await p.page.locator('[data-testid=tab-timeline]').click();
    await p.page.locator('[data-testid=timeline-canvas]').waitFor();
  });

  it('renders a labelled lane per agent slot and waits as their own hatched segments', async () => {
    const page = panel().page;
    assert.deepEqual(await page.locator('.lane-label').allTextContents(), [
      'coder #1',
      'coder #2',
      'coder waiting #1',
      'tester #1',
    ]);
    assert.equal(await page.locator('[data-testid=segment]').count(), 6);
    assert.equal(await page.locator('[data-testid=segment][data-kind=attempt]').count(), 4);
    const lock = page.locator('[data-testid=segment][data-kind=lock]');
    const rate = page.locator('[data-testid=segment][data-kind=rateLimit]');
    assert.equal(await lock.count(), 1);
    assert.equal(await rate.count(), 1);
    // Waits are filled with their hatch pattern, attempts with a theme colour.
    assert.match(await lock.locator('rect').evaluate((el) => getComputedStyle(el).fill), /url\("?#hatch-lock"?\)/);
    assert.match(await rate.locator('rect').evaluate((el) => getComputedStyle(el).fill), /url\("?#hatch-rateLimit"?\)/);
    const ok = await page
      .locator('[data-task-id=a][data-kind=attempt] rect')
      .evaluate((el) => getComputedStyle(el).fill);
    assert.equal(ok, 'rgb(115, 201, 145)', 'succeeded takes --vscode-testing-iconPassed of the dark theme');
    // The wait lies on its lane and inside c's attempt in time.
    const box = async (sel: string) => (await page.locator(sel).boundingBox())!;
    const c = await box('[data-task-id=c][data-kind=attempt] rect');
    const r = await box('[data-task-id=c][data-kind=rateLimit] rect');
    assert.ok(r.x >= c.x && r.x + r.width <= c.x + c.width + 0.5 && r.y >= c.y && r.y + r.height <= c.y + c.height);
    // A word for every colour: the legend names each status and each kind of wait.
    const legend = await page.locator('[data-testid=timeline-legend]').textContent();
    for (const word of [
      'succeeded',
      'failed',
      'cancelled',
      'running',
      'file lock',
      'rate limit',
      'approval',
      'budget',
    ]) {
      assert.ok(legend?.includes(word), `the legend names ${word}`);
    }
    assert.ok((await page.locator('.tick-label').count()) >= 3, 'a time axis with ticks');
    assert.equal(await page.locator('[data-testid=now-line]').count(), 0, 'nothing runs: no now-line');
  });

  it('shows task title and duration on hover and focus, and Enter opens the task in the graph', async () => {
    const page = panel().page;
    await page.locator('[data-task-id=c][data-kind=rateLimit]').hover();
    assert.match(
      (await page.locator('[data-testid=timeline-info]').textContent()) ?? '',
      /Task C · attempt 1 · waiting for the rate limit \(openai\/gpt-4o-mini\) · 7\.0s/,
    );
    // The keyboard: focus the first segment, walk right in time order, then Enter.
    await page.mouse.move(0, 0);
    await page.locator('[data-testid=segment][tabindex="0"]').focus();
    assert.match(
      (await page.locator('[data-testid=timeline-info]').textContent()) ?? '',
      /^Task A · attempt 1 · succeeded · 20\.0s · coder #1/,
    );
    await page.keyboard.press('ArrowRight');
    // Preact moves the focus after its render.
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-order') === '1');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-task-id'));
    assert.equal(focused, 'c', 'c starts second');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid=details]').waitFor();
    assert.match((await page.locator('[data-testid=details] h2').textContent()) ?? '', /Task C/);
    assert.equal(await page.locator('[data-task-id=c].selected').count(), 1, 'the graph shows c selected');
  });

  it('grows a running segment with a now-line', async () => {
    const page = panel().page;
    const now = Date.now();
    const live: TimelineView = {
      runId: RUN_ID,
      lanes: [{ index: 0, agentId: 'coder', kind: 'slot', label: 'coder #1' }],
      segments: [{ taskId: 'a', attempt: 1, agentId: 'coder', lane: 0, start: now - 5000, kind: 'attempt' }],
    };
    await panel().send({ type: 'timeline', timeline: live } as HostMessage);
    // A vertical line has an empty box, so it is never "visible" to Playwright: wait for it to be there.
    await page.locator('[data-testid=now-line]').waitFor({ state: 'attached' });
    // The axis is rescaled as time passes, so the bar's pixel width is not monotonic; its duration is.
    const segment = page.locator('[data-task-id=a][data-kind=attempt]');
    const seconds = async (): Promise<number> =>
      Number(/ · (\d+(?:\.\d+)?)s · /.exec((await segment.getAttribute('aria-label')) ?? '')?.[1]);
    const before = await seconds();
    assert.ok(before >= 5, `the running attempt reads at least 5 s (${before})`);
    await page.waitForFunction(
      (s) => {
        const label = document.querySelector('[data-task-id=a][data-kind=attempt]')?.getAttribute('aria-label') ?? '';
        return Number(/ · (\d+(?:\.\d+)?)s · /.exec(label)?.[1]) > s;
      },
      before,
      { timeout: 5000 },
    );
    // The bar ends at the now-line.
    const edges = await page.evaluate(() => {
      const rect = document.querySelector('[data-task-id=a][data-kind=attempt] rect');
      const line = document.querySelector('[data-testid=now-line]');
      return {
        end: Number(rect?.getAttribute('x')) + Number(rect?.getAttribute('width')),
        now: Number(line?.getAttribute('x1')),
      };
    });
    assert.ok(Math.abs(edges.end - edges.now) < 0.5, `the bar ends at the now-line (${edges.end} vs ${edges.now})`);
    assert.equal(await page.locator('[data-testid=timeline-canvas] .seg-running').count(), 1);
  });

  it('draws 1,000 attempts with their waits (time reported, not asserted)', async () => {
    const page = panel().page;
    const lanes = Array.from({ length: 8 }, (_, i) => ({
      index: i,
      agentId: 'coder',
      kind: 'slot' as const,
      label: `coder #${i + 1}`,
    }));
    const segments: TimelineSegment[] = [];
    for (let i = 0; i < 1000; i++) {
      const start = (Math.floor(i / 8) * 10 + (i % 3)) * 1000;
      segments.push(seg(`t${i}`, i % 8, start / 1000, start / 1000 + 9, { outcome: 'succeeded' }));
      if (i % 5 === 0) segments.push(seg(`t${i}`, i % 8, start / 1000 + 1, start / 1000 + 3, { kind: 'rateLimit' }));
    }
    const message = { type: 'timeline', timeline: { runId: RUN_ID, lanes, segments } } as HostMessage;
    const renderMs = await page.evaluate(
      async ({ m, n }) => {
        const started = performance.now();
        window.postMessage(m, '*');
        while (document.querySelectorAll('[data-testid=segment]').length !== n) {
          await new Promise((r) => requestAnimationFrame(r));
        }
        return performance.now() - started;
      },
      { m: message, n: segments.length },
    );
    assert.equal(await page.locator('[data-testid=segment]').count(), 1200);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(
      join(ARTIFACTS, 'timeline-render-times.json'),
      `${JSON.stringify({ '1000 attempts + 200 waits': Math.round(renderMs) }, null, 2)}\n`,
    );
    console.log(`      timeline render, 1,000 attempts and 200 waits: ${Math.round(renderMs)} ms`);
  });
});

describe('run panel timeline and agents: light, dark and high contrast screenshots', function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();
  for (const theme of ['light', 'dark', 'highContrast'] as const) {
    it(`draws the timeline and the agents table in the ${theme} theme and saves screenshots`, async () => {
      const panel = await PanelPage.open(suite.browser, suite.server, theme);
      try {
        const tasks = ['a', 'b', 'c', 'd'].map((id) => taskView(id, [], { title: `Task ${id.toUpperCase()}` }));
        await panel.send(snapshot(tasks));
        const view = timeline();
        view.segments.push(
          seg('d', 3, 26, 34, { agentId: 'tester', attempt: 2, kind: 'approval', detail: 'src/d.ts' }),
        );
        view.segments.push(seg('b', 2, 41, 46, { attempt: 2, kind: 'budget' }));
        await panel.send({ type: 'timeline', timeline: view } as HostMessage);
        await panel.send({
          type: 'agents',
          agents: [
            {
              id: 'coder',
              description: 'Writes and changes code',
              capabilities: ['code'],
              model: 'default',
              running: 1,
              maxLoad: 2,
              attempts: 12,
              successRate: 0.75,
              averageCostUsd: 0.02,
              averageDurationMs: 31_000,
              source: 'builtin',
            },
            {
              id: 'docs-writer',
              description: 'Writes docs',
              capabilities: ['docs'],
              model: 'anthropic/claude-x',
              running: 0,
              maxLoad: 1,
              attempts: 0,
              source: 'file',
              sourceLabel: '.orchestrator/agents/docs-writer.md',
            },
          ],
        } as HostMessage);
        mkdirSync(ARTIFACTS, { recursive: true });
        await panel.page.locator('[data-testid=tab-timeline]').click();
        await panel.page.locator('[data-testid=timeline-canvas]').waitFor();
        await panel.page.locator('[data-task-id=c][data-kind=rateLimit]').hover();
        const timelineShot = join(ARTIFACTS, `timeline-${theme}.png`);
        await panel.page.screenshot({ path: timelineShot });
        await panel.page.locator('[data-testid=tab-agents]').click();
        await panel.page.locator('[data-testid=agents]').waitFor();
        const agentsShot = join(ARTIFACTS, `agents-${theme}.png`);
        await panel.page.screenshot({ path: agentsShot });
        for (const file of [timelineShot, agentsShot]) assert.ok(statSync(file).size > 5000, `${file} has content`);
        assert.deepEqual(panel.errors, []);
      } finally {
        await panel.page.close();
      }
    });
  }
});
