import type { Locator } from 'playwright-core';
import type { Workbench } from './workbench';

/**
 * Waits for a notification toast containing `text` to have finished sliding in (VS Code marks it
 * `notification-fade-in-done`), so a screenshot shows it whole; returns it.
 */
export async function waitForToast(workbench: Workbench, text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
  const toast = workbench.page
    .locator('.notification-toast-container .notification-toast.notification-fade-in-done')
    .filter({ hasText: text })
    .first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return toast;
}

/** Clicks the button labelled `label` on a notification toast, as a user answers it. */
export async function clickToastButton(toast: Locator, label: string, timeoutMs = 10_000): Promise<void> {
  const button = toast.locator('.monaco-button', { hasText: new RegExp(`^\\s*${label}\\s*$`) }).first();
  await button.waitFor({ state: 'visible', timeout: timeoutMs });
  await button.click();
}
