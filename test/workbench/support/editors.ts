import type { Locator } from 'playwright-core';
import { waitUntil } from './poll';
import type { Workbench } from './workbench';

/** The editor tabs, and the active editor's title actions and CodeLenses, of the web workbench. */
export class Editors {
  constructor(private readonly workbench: Workbench) {}

  /** An editor tab whose title contains `title`, e.g. `alpha.txt (Proposed by`. */
  tab(title: string | RegExp): Locator {
    return this.workbench.page.locator('.part.editor .tabs-container .tab').filter({ hasText: title });
  }

  /** The titles of the open tabs, left to right. */
  async tabTitles(): Promise<string[]> {
    return (await this.workbench.page.locator('.part.editor .tabs-container .tab').allInnerTexts()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
  }

  /** Opens a workspace file in the active editor group through Quick Open, as a user does, and waits for its tab. */
  async quickOpen(name: string, timeoutMs = 20_000): Promise<void> {
    const input = await this.workbench.openPalette();
    await input.fill(name);
    const row = this.workbench.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: name });
    await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
    await input.press('Enter');
    await this.tab(name).and(this.workbench.page.locator('.tab.active')).first().waitFor({ timeout: timeoutMs });
  }

  /** Activates the tab (a click on it) and waits until it is the active one. */
  async activate(title: string | RegExp, timeoutMs = 20_000): Promise<void> {
    const tab = this.tab(title).first();
    await tab.waitFor({ state: 'visible', timeout: timeoutMs });
    await tab.click();
    await this.tab(title)
      .and(this.workbench.page.locator('.tab.active'))
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** An action of the active editor group's title bar, by its label (e.g. `Accept Edit`). */
  titleAction(label: string): Locator {
    return this.workbench.page.locator(
      `.part.editor .editor-group-container.active .title .editor-actions .action-label[aria-label^="${label.replace(/"/g, '\\"')}"]`,
    );
  }

  /** A CodeLens of the active editor by its text (e.g. `Accept change`), in a diff editor too. */
  codeLens(text: string | RegExp): Locator {
    return this.workbench.page
      .locator('.part.editor .editor-group-container.active .codelens-decoration a')
      .filter({ hasText: text });
  }

  /** The editor of the active group (a text editor; in a diff editor, its first side). */
  activeEditor(): Locator {
    return this.workbench.page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
  }

  /** The lines the active editor renders, top to bottom (all of a document that fits the window). */
  async visibleText(): Promise<string> {
    const lines = await this.activeEditor()
      .locator('.view-lines .view-line')
      .evaluateAll((elements) =>
        elements.map((e) => ({
          top: parseFloat((e as HTMLElement).style.top) || 0,
          text: (e as HTMLElement).innerText,
        })),
      );
    return lines
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text.replace(/\u00a0/g, ' '))
      .join('\n');
  }

  /**
   * Replaces every `find` in the active editor with `replacement` as a user does with the keyboard:
   * Ctrl+H, the search text, the replacement, Ctrl+Alt+Enter (Replace All), Escape.
   */
  async replaceAll(find: string, replacement: string, timeoutMs = 20_000): Promise<void> {
    const { page } = this.workbench;
    const editor = this.activeEditor();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+H');
    const widget = editor.locator('.find-widget.visible');
    await widget.waitFor({ state: 'visible', timeout: timeoutMs });
    const findInput = widget
      .locator('.find-part .monaco-findInput textarea, .find-part .monaco-findInput input')
      .first();
    const replaceInput = widget.locator('.replace-part textarea, .replace-part input').first();
    await replaceInput.waitFor({ state: 'visible', timeout: timeoutMs });
    await findInput.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(find, { delay: 5 });
    await replaceInput.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(replacement, { delay: 5 });
    await widget
      .locator('.matchesCount', { hasText: /^1 of \d+$|^\d+ of \d+$/ })
      .waitFor({ state: 'visible', timeout: timeoutMs });
    await this.workbench.screenshot(`replace ${find}`);
    await page.keyboard.press('Control+Alt+Enter');
    // Escape first hides a notification toast or a hover, if one shows; then the widget.
    await waitUntil(
      'the Find / Replace widget to close',
      async () => {
        if (!(await widget.isVisible())) return true;
        await page.keyboard.press('Escape');
        return false;
      },
      { timeoutMs, intervalMs: 300 },
    );
  }
}
