import type { Frame } from 'playwright-core';
import { waitUntil } from './poll';
import type { Workbench } from './workbench';

/**
 * The run panel's page: a webview, so it lives in a nested frame of the workbench. The frame is the
 * one showing `selector` (the graph by default).
 */
export async function runPanelFrame(
  workbench: Workbench,
  timeoutMs = 30_000,
  selector = '[data-testid=graph]',
): Promise<Frame> {
  return waitUntil(
    `the run panel frame showing ${selector}`,
    async (): Promise<Frame | undefined> => {
      for (const frame of workbench.page.frames()) {
        const found = await frame
          .locator(selector)
          .count()
          .catch(() => 0);
        if (found > 0) return frame;
      }
      return undefined;
    },
    { timeoutMs },
  );
}

/** A node's status as drawn (`data-status`), or null when the node is not (yet) drawn. */
export function nodeStatus(panel: Frame, taskId: string): Promise<string | null> {
  return panel
    .locator(`[data-task-id="${taskId}"]`)
    .getAttribute('data-status', { timeout: 1000 })
    .catch(() => null);
}
