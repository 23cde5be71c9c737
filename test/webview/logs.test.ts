import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLine } from '../../src/protocol/logs';
import { useBrowserSuite, usePanelPage } from './support/browserSuite';
import { ARTIFACTS, RUN_ID, snapshot, taskView } from './support/panelBuilders';

const LEVELS = ['debug', 'info', 'info', 'warn', 'error'] as const;

/** `count` lines spread over tasks t0–t2 (agents coder and reviewer), levels and a few run-level lines. */
function mixedLines(count: number, firstSeq = 1): LogLine[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const task = seq % 4 === 3 ? undefined : `t${seq % 4}`;
    return {
      seq,
      at: Date.UTC(2026, 0, 1) + seq * 1000,
      level: LEVELS[seq % LEVELS.length]!,
      ...(task !== undefined ? { taskId: task, agentId: task === 't0' ? 'reviewer' : 'coder' } : {}),
      text: `line ${seq}${seq % 7 === 0 ? ' timeout' : ''}`,
    };
  });
}

describe('run panel logs (headless Chromium)', function () {
  this.timeout(60_000);
  const suite = useBrowserSuite();
  const panel = usePanelPage(suite);

  const openLogs = async (lines: LogLine[]): Promise<void> => {
    await panel().send(snapshot([taskView('t0'), taskView('t1'), taskView('t2')], { logs: lines }));
    await panel().page.locator('[data-testid=tab-logs]').click();
    await panel()
      .page.locator('[data-testid=log-count]', { hasText: `of ${lines.length} lines` })
      .waitFor();
  };
  const count = async (): Promise<string> => (await panel().page.locator('[data-testid=log-count]').innerText()).trim();

  it('filters by level, task, agent and text, alone and together', async () => {
    const lines = mixedLines(1000);
    await openLogs(lines);
    const expect = (pred: (l: LogLine) => boolean): string => `${lines.filter(pred).length} of 1000 lines`;

    await panel().page.selectOption('[data-testid=log-level]', 'warn');
    assert.equal(
      await count(),
      expect((l) => l.level === 'warn' || l.level === 'error'),
    );
    const rows = await panel().page.locator('[data-testid=log-row]').allTextContents();
    assert.ok(rows.length > 0 && rows.every((r) => / (warn|error) /.test(r)), rows.slice(0, 3).join('\n'));

    await panel().page.selectOption('[data-testid=log-task]', 't1');
    assert.equal(
      await count(),
      expect((l) => (l.level === 'warn' || l.level === 'error') && l.taskId === 't1'),
    );

    await panel().page.selectOption('[data-testid=log-level]', 'trace');
    await panel().page.selectOption('[data-testid=log-task]', '');
    await panel().page.selectOption('[data-testid=log-agent]', 'reviewer');
    assert.equal(
      await count(),
      expect((l) => l.agentId === 'reviewer'),
    );

    await panel().page.fill('[data-testid=log-filter]', 'TIMEOUT');
    assert.equal(
      await count(),
      expect((l) => l.agentId === 'reviewer' && l.text.includes('timeout')),
    );
    const agentRows = await panel().page.locator('[data-testid=log-row]').allTextContents();
    assert.ok(agentRows.length > 0 && agentRows.every((r) => r.includes('[t0]') && r.includes('timeout')));

    // The lists offer exactly the tasks and agents the lines mention.
    const options = (id: string): Promise<string[]> =>
      panel()
        .page.locator(`[data-testid=${id}] option`)
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(await options('log-task'), ['', 't0', 't1', 't2']);
    assert.deepEqual(await options('log-agent'), ['', 'coder', 'reviewer']);
  });

  it('follows the tail until the person scrolls up, and again once they scroll back down', async () => {
    await openLogs(mixedLines(2000));
    const scroll = panel().page.locator('[data-testid=log-scroll]');
    const atEnd = (): Promise<boolean> =>
      scroll.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 20);
    assert.ok(await atEnd(), 'a new log starts at its last line');
    assert.ok(await panel().page.locator('[data-testid=log-row]', { hasText: 'line 2000' }).isVisible());

    await panel().send({ type: 'event', runId: RUN_ID, event: { kind: 'log', lines: mixedLines(5, 2001) } });
    await panel().page.locator('[data-testid=log-row]', { hasText: 'line 2005' }).waitFor({ state: 'visible' });
    assert.ok(await atEnd(), 'new lines scroll into view while following');

    await scroll.evaluate((el) => {
      el.scrollTop = 1000;
      el.dispatchEvent(new Event('scroll'));
    });
    await panel().page.waitForFunction(
      () => !(document.querySelector('[data-testid=log-follow]') as HTMLInputElement).checked,
    );
    await panel().send({ type: 'event', runId: RUN_ID, event: { kind: 'log', lines: mixedLines(5, 2006) } });
    await panel().page.locator('[data-testid=log-count]', { hasText: '2010 of 2010' }).waitFor();
    assert.equal(await scroll.evaluate((el) => el.scrollTop), 1000, 'the view stays where the person scrolled');

    await panel().page.locator('[data-testid=log-follow]').check();
    await panel().page.locator('[data-testid=log-row]', { hasText: 'line 2010' }).waitFor({ state: 'visible' });
    assert.ok(await atEnd());
  });

  it('copies the lines shown, as they read on screen', async () => {
    await panel()
      .page.context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: suite.server.origin });
    const lines = mixedLines(300);
    await openLogs(lines);
    await panel().page.selectOption('[data-testid=log-level]', 'error');
    await panel().page.locator('[data-testid=log-copy]').click();
    await panel().page.locator('[data-testid=log-copied]', { hasText: 'Copied 60 lines.' }).waitFor();
    const copied = await panel().page.evaluate(() => navigator.clipboard.readText());
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(copied.split('\n').length, errors.length);
    assert.ok(copied.startsWith(`00:00:${String(errors[0]!.seq).padStart(2, '0')} error`), copied.slice(0, 80));
    assert.ok(copied.split('\n').every((l) => / error /.test(l)));
  });

  it('scrolls 100,000 lines with a few dozen rows in the DOM (frame times reported, not asserted)', async () => {
    await openLogs(mixedLines(100_000));
    const frames = await panel().page.evaluate(async () => {
      const el = document.querySelector('[data-testid=log-scroll]') as HTMLElement;
      const times: number[] = [];
      let last = performance.now();
      for (let step = 0; step <= 60; step++) {
        el.scrollTop = ((el.scrollHeight - el.clientHeight) * (60 - step)) / 60;
        el.dispatchEvent(new Event('scroll'));
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times.sort((a, b) => a - b);
    });
    const rows = await panel().page.locator('[data-testid=log-row]').count();
    assert.ok(rows > 0 && rows < 120, `${rows} rows in the DOM for 100,000 lines`);
    assert.ok(
      await panel()
        .page.locator('[data-testid=log-row]', { hasText: 'line 1 ' })
        .or(panel().page.locator('[data-testid=log-row]', { hasText: /line 1$/ }))
        .first()
        .isVisible(),
      'scrolled back to the first line',
    );
    const pick = (q: number): number =>
      Math.round(frames[Math.min(frames.length - 1, Math.floor(q * frames.length))]! * 10) / 10;
    const report = { lines: 100_000, domRows: rows, frameMs: { p50: pick(0.5), p95: pick(0.95), max: pick(1) } };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'log-scroll-times.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`      log scroll: ${JSON.stringify(report)}`);
  });
});
