import type { Locator } from 'playwright-core';
import { waitUntil } from './poll';
import type { Workbench } from './workbench';

/** One rendered row of the Runs tree, as a user (or a screen reader) sees it. */
export interface RunsTreeRow {
  /** The row's accessible label, e.g. `Run Add two files, running, 3 s ago · 1.2K tokens · $0.00` or `Task Alpha, succeeded, coder · 2 s`. */
  label: string;
  /** The visible text: label and description. */
  text: string;
  /** The codicons of the row's icon without the `codicon-` prefix, e.g. `['sync', 'modifier-spin']` or `['pass']`. */
  icons: string[];
  /** 1 for runs, 2 for their tasks, 3 for attempts and edits. */
  level: number;
  /** `true`/`false` for a row with children, undefined for a leaf. */
  expanded: boolean | undefined;
}

/** What `RunsView.record` collected. */
export interface RunsTreeRecording {
  /** Every sample, oldest first. */
  readonly samples: RunsTreeRow[][];
  /** Whether any sample had a row matching `match`. */
  seen(match: (row: RunsTreeRow) => boolean): boolean;
  /** The successive labels of the rows matching `match` (repeats collapsed), e.g. one task's states over time. */
  labelsOf(match: (row: RunsTreeRow) => boolean): string[];
  /** Stops sampling. */
  stop(): Promise<void>;
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Runs view of the Agent Orchestrator container, read through the DOM the workbench renders. */
export class RunsView {
  constructor(private readonly workbench: Workbench) {}

  /** The view's pane in the side bar. */
  pane(): Locator {
    return this.workbench.viewPane('Runs');
  }

  /** Opens the Agent Orchestrator container and waits for the Runs view. */
  async show(timeoutMs = 30_000): Promise<void> {
    await this.workbench.openViewContainer('Agent Orchestrator', timeoutMs);
    await this.pane().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** A row whose accessible label matches, as a Playwright locator (to hover or click it). */
  row(label: RegExp): Locator {
    return this.pane().getByRole('treeitem', { name: label });
  }

  /** Expands the row whose label matches (a click on its twistie), unless it is expanded already. */
  async expand(label: RegExp, timeoutMs = 20_000): Promise<void> {
    const row = this.row(label).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    let clickedAt = 0;
    await waitUntil(
      `the row ${label} to expand`,
      async () => {
        const expanded = await row.getAttribute('aria-expanded');
        if (expanded === 'true') return true;
        // One click, and another only if the first did not take (a second click too soon would collapse it again).
        if (expanded === 'false' && Date.now() - clickedAt > 3000) {
          await row.locator('.monaco-tl-twistie').click();
          clickedAt = Date.now();
        }
        return false;
      },
      { timeoutMs, intervalMs: 200, describe: () => this.describe() },
    );
  }

  /** Every rendered row, top to bottom. */
  async rows(): Promise<RunsTreeRow[]> {
    return this.pane()
      .locator('.monaco-list-row')
      .evaluateAll((elements) =>
        elements.map((element) => {
          const icon = element.querySelector('.custom-view-tree-node-item-icon');
          const icons = icon
            ? [...icon.classList].filter((c) => c.startsWith('codicon-')).map((c) => c.slice('codicon-'.length))
            : [];
          const expandedAttr = element.getAttribute('aria-expanded');
          return {
            label: element.getAttribute('aria-label') ?? '',
            text: ((element as HTMLElement).innerText ?? '').replace(/\s+/g, ' ').trim(),
            icons,
            level: Number(element.getAttribute('aria-level') ?? '0'),
            expanded: expandedAttr === null ? undefined : expandedAttr === 'true',
          };
        }),
      );
  }

  /** The rows as one line per row, for failure messages and logs. */
  async describe(): Promise<string> {
    const rows = await this.rows();
    if (rows.length === 0) return '(no rows)';
    return rows.map((r) => `${'  '.repeat(Math.max(0, r.level - 1))}[${r.icons.join(' ')}] ${r.label}`).join('\n');
  }

  /**
   * Samples the rows every `intervalMs` until `stop()`, so a test can assert on the states a task
   * went through (a state shown for less than one interval can be missed; assert on longer ones).
   */
  record(intervalMs = 150): RunsTreeRecording {
    const samples: RunsTreeRow[][] = [];
    let stopped = false;
    const loop = (async () => {
      // Ends by itself when the page closes, so a failed test never leaves it polling.
      while (!stopped && !this.workbench.page.isClosed()) {
        const rows = await this.rows().catch(() => undefined);
        if (rows && rows.length > 0) samples.push(rows);
        await new Promise((done) => setTimeout(done, intervalMs));
      }
    })();
    return {
      samples,
      seen: (match) => samples.some((rows) => rows.some(match)),
      labelsOf: (match) => {
        const labels: string[] = [];
        for (const rows of samples)
          for (const row of rows) if (match(row) && labels.at(-1) !== row.label) labels.push(row.label);
        return labels;
      },
      stop: async () => {
        stopped = true;
        await loop;
        // One last sample, so the states a test just waited for are in the recording even when the
        // loop's previous sample came a moment before them (seen on a loaded machine).
        const rows = await this.rows().catch(() => undefined);
        if (rows && rows.length > 0) samples.push(rows);
      },
    };
  }

  /** Waits for a row matching `match` and returns it. */
  async waitForRow(what: string, match: (row: RunsTreeRow) => boolean, timeoutMs = 30_000): Promise<RunsTreeRow> {
    return waitUntil(what, async () => (await this.rows()).find(match), { timeoutMs, describe: () => this.describe() });
  }
}
