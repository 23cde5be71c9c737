import { readFileSync } from 'node:fs';
import type { Locator } from 'playwright-core';
import { extensionId } from './testExtension';
import type { WorkbenchSession } from './workbenchSession';

/** Our extension's activation as the workbench reports it. */
export interface ActivationTime {
  /** Milliseconds: code loading + the `activate()` call, as "Developer: Show Running Extensions" shows it. */
  ms: number;
  /** The text the workbench rendered, e.g. `Activation: 41ms`. */
  shown: string;
  /** The event that activated the extension, from the extension host log (e.g. `onView:agentOrchestrator.runs`). */
  activationEvent?: string;
  /** The extension host log line that recorded the activation. */
  logLine?: string;
  /** "Developer: Startup Performance" split: loading the bundle, the `activate()` call, and awaiting its promise (ms). */
  breakdown?: { loadCodeMs: number; callActivateMs: number; finishActivateMs: number };
}

/**
 * Reads the activation time VS Code records for our extension: opens "Developer: Show Running
 * Extensions" (the workbench's own display of `codeLoadingTime + activateCallTime`) and finds our
 * row; then "Developer: Startup Performance" for the split into loading and activating. Both
 * editors are closed again. The activation event comes from the extension host log.
 */
export async function readActivationTime(session: WorkbenchSession): Promise<ActivationTime> {
  const { workbench } = session;
  const id = extensionId();
  await workbench.runCommand('Developer: Show Running Extensions');
  const editor = workbench.page.locator('.runtime-extensions-editor');
  await editor.waitFor({ state: 'visible', timeout: 20_000 });
  const row = editor.locator('.monaco-list-row').filter({
    has: workbench.page.locator('.name', { hasText: new RegExp(`^(${escape(id)}|Agent Orchestrator)$`, 'i') }),
  });
  await scrollUntilVisible(editor, row);
  const time = row.locator('.activation-time');
  // "Activating..." until the extension host reports the times.
  await time.filter({ hasText: /\d+\s*ms/ }).waitFor({ state: 'visible', timeout: 20_000 });
  const shown = (await time.innerText()).trim();
  await workbench.screenshot('running-extensions');
  await workbench.runCommand('View: Close Editor');

  const match = /(\d+)\s*ms/.exec(shown);
  if (!match?.[1]) throw new Error(`Unexpected activation text for ${id}: "${shown}"`);
  const breakdown = await readStartupPerformanceRow(session, id);
  return { ms: Number(match[1]), shown, ...activationFromLog(session, id), ...(breakdown ? { breakdown } : {}) };
}

/**
 * Our row of the "Extension Activation Stats" table in "Developer: Startup Performance":
 * `| id | eager | load code | call activate | finish activate | event | by |`. The report is a
 * text editor, so the row is found with the editor's Find and read from the rendered line;
 * undefined when it cannot be read (the headline number above does not depend on it).
 */
async function readStartupPerformanceRow(session: WorkbenchSession, id: string): Promise<ActivationTime['breakdown']> {
  const { workbench } = session;
  const { page } = workbench;
  await workbench.runCommand('Developer: Startup Performance');
  try {
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: 20_000 });
    const row = editor.locator('.view-line').filter({ hasText: new RegExp(`^\\|\\s*${escape(id)}\\s*\\|`) });
    // Find scrolls the long report to our row. The report re-renders (and scrolls to the top) when
    // late data arrives, so finding and reading are retried together.
    for (let attempt = 0; attempt < 10; attempt++) {
      await page.keyboard.press('Control+F');
      await page.keyboard.type(id);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Escape');
      const text =
        (await row.count()) > 0
          ? await row
              .first()
              .innerText({ timeout: 1000 })
              .catch(() => '')
          : '';
      const cells = text.split('|').map((cell) => cell.trim());
      const [loadCodeMs, callActivateMs, finishActivateMs] = [cells[3], cells[4], cells[5]].map((cell) =>
        cell ? Number(cell) : NaN,
      );
      if (
        loadCodeMs !== undefined &&
        callActivateMs !== undefined &&
        finishActivateMs !== undefined &&
        [loadCodeMs, callActivateMs, finishActivateMs].every(Number.isFinite)
      ) {
        // The cursor sits on the match in the last column; Home scrolls the table back into view.
        await page.keyboard.press('Home');
        await workbench.screenshot('startup-performance');
        return { loadCodeMs, callActivateMs, finishActivateMs };
      }
      await page.waitForTimeout(500);
    }
    return undefined;
  } catch {
    // Best effort: the headline number from Show Running Extensions stands on its own.
    return undefined;
  } finally {
    await workbench.runCommand('View: Close Editor');
  }
}

/** The `_doActivateExtension` line for `id` in the extension host logs, and the event it names. */
function activationFromLog(session: WorkbenchSession, id: string): { activationEvent?: string; logLine?: string } {
  for (const file of session.server.extensionHostLogs()) {
    const line = readFileSync(file, 'utf8')
      .split('\n')
      .find((text) => text.includes('_doActivateExtension') && text.includes(id));
    if (line) {
      const event = /activationEvent: '([^']*)'/.exec(line)?.[1];
      return { logLine: line.trim(), ...(event ? { activationEvent: event } : {}) };
    }
  }
  return {};
}

/** Scrolls a virtualised list until `row` is rendered (the running-extensions list renders only what fits). */
async function scrollUntilVisible(list: Locator, row: Locator): Promise<void> {
  const page = list.page();
  const box = await list.boundingBox();
  for (let attempt = 0; attempt < 40; attempt++) {
    if ((await row.count()) > 0) {
      await row.first().scrollIntoViewIfNeeded();
      return;
    }
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(100);
  }
  throw new Error('Our extension is not in "Show Running Extensions": it did not activate');
}

/** Escapes a string for use inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
