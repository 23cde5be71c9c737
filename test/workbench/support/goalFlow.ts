import { escapeRegExp } from './runsView';
import type { Workbench } from './workbench';

/**
 * Types `goal` into the goal box titled `title` (a quick pick that starts empty and offers the
 * recent goals) once it shows, and accepts it; takes a screenshot of the typed goal.
 */
export async function enterGoal(workbench: Workbench, title: string, goal: string, timeoutMs = 20_000): Promise<void> {
  const widget = workbench.quickInputWidget();
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: timeoutMs });
  const input = workbench.quickInput();
  await input.pressSequentially(goal, { delay: 5 });
  const typed = widget
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: new RegExp(`${escapeRegExp(goal)}.*new goal`) });
  await typed.first().waitFor({ state: 'visible', timeout: timeoutMs });
  await workbench.screenshot('goal typed');
  await input.press('Enter');
}

/**
 * Runs "Orchestrator: Orchestrate Goal" from the palette, types `goal`, and chooses Run (or Dry Run)
 * in the mode pick by clicking it, as a user does; takes a screenshot of the typed goal and of the pick.
 */
export async function orchestrateGoal(
  workbench: Workbench,
  goal: string,
  mode: 'Run' | 'Dry Run' = 'Run',
  timeoutMs = 20_000,
): Promise<void> {
  const { page } = workbench;
  await workbench.runCommand('Orchestrator: Orchestrate Goal');
  // The goal box is a quick pick titled "Orchestrate Goal" that starts empty (the palette's ">" is gone).
  await enterGoal(workbench, 'Orchestrate Goal', goal, timeoutMs);
  const widget = workbench.quickInputWidget();

  // The mode pick: "Run" or "Dry Run (plan only)".
  const label = mode === 'Run' ? /^\s*Run\s*$/ : /^\s*Dry Run \(plan only\)\s*$/;
  const choice = widget
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: label }) });
  await choice.first().waitFor({ state: 'visible', timeout: timeoutMs });
  await workbench.screenshot(`mode pick ${mode}`);
  await choice.first().click();
  await widget.waitFor({ state: 'hidden', timeout: timeoutMs });
}
