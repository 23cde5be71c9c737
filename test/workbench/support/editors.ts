import type { Locator } from 'playwright-core';
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
}
