import type { Locator, Page } from 'playwright-core';
import type { Artifacts } from './artifacts';

/** Chromium flags for a headless, offline, sandbox-less container (see ../shared/REAL-VSCODE.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The title of our activity-bar container (package.nls.json `viewsContainers.agentOrchestrator.title`). */
const OUR_CONTAINER = 'Agent Orchestrator';

/** Escapes a string for use inside a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The VS Code web workbench in one page, driven the way a user drives it: palette, clicks, keys. */
export class Workbench {
  constructor(
    /** The Playwright page; use it directly for anything the helpers do not cover. */
    readonly page: Page,
    private readonly artifacts: Artifacts,
  ) {}

  /** Opens `url` and waits until the workbench is rendered with our extension's contributions. */
  async open(url: string, timeoutMs = 90_000): Promise<void> {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: timeoutMs });
    await this.waitUntilReady(timeoutMs);
  }

  /**
   * Waits for the workbench to be restored: its Problems status-bar entry (added once the layout is
   * restored) and our activity-bar container. After a reload the container can show from the
   * workbench's cache before our views are registered, so view helpers wait for their own content.
   */
  async waitUntilReady(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.statusbar [id="status.problems"]').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.activityBarItem(OUR_CONTAINER).waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Reloads the window the way a user does ("Developer: Reload Window") and waits for the new workbench. */
  async reload(timeoutMs = 90_000): Promise<void> {
    const loaded = this.page.waitForEvent('load', { timeout: timeoutMs });
    await this.runCommand('Developer: Reload Window');
    await loaded;
    await this.waitUntilReady(timeoutMs);
  }

  /** Runs a command from the palette by its full title, e.g. `Orchestrator: Orchestrate Goal` (F1, type, Enter). */
  async runCommand(title: string, timeoutMs = 20_000): Promise<void> {
    const input = await this.openPalette(timeoutMs);
    await input.fill(`>${title}`);
    // The palette ranks recently used and fuzzy matches first: move the focus to the exact title before Enter.
    const exact = this.page.locator('.quick-input-list .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }),
    });
    await exact.first().waitFor({ state: 'visible', timeout: timeoutMs });
    const focused = exact.and(this.page.locator('.monaco-list-row.focused'));
    for (let step = 0; step < 50 && (await focused.count()) === 0; step++) await input.press('ArrowDown');
    if ((await focused.count()) === 0) throw new Error(`The palette lists "${title}" but the focus never reached it`);
    await input.press('Enter');
  }

  /** Opens the command palette and returns its input, which already holds `>`. */
  async openPalette(timeoutMs = 20_000): Promise<Locator> {
    const input = this.quickInput();
    // The first F1 after load can be swallowed while the workbench still wires its keybindings.
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: Math.min(4000, timeoutMs) });
        return input;
      } catch {
        await this.page
          .locator('.monaco-workbench')
          .click({ position: { x: 5, y: 5 } })
          .catch(() => undefined);
      }
    }
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    return input;
  }

  /** The quick input box (palette, input boxes, quick picks). */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  /** The quick input widget, for its title, prompt and message. */
  quickInputWidget(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Waits for a notification toast (or the notification centre entry) containing `text`; returns it. */
  async waitForNotification(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
    const toast = this.page
      .locator('.notification-toast-container .notification-list-item, .notifications-center .notification-list-item')
      .filter({ hasText: text })
      .first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return toast;
  }

  /** The activity-bar entry of a view container, by its title (e.g. `Agent Orchestrator`). */
  activityBarItem(title: string): Locator {
    return this.page.locator('.part.activitybar .action-item').filter({
      has: this.page.locator(`.action-label[aria-label^="${title.replace(/"/g, '\\"')}"]`),
    });
  }

  /** Shows the side-bar container `title` by clicking its activity-bar entry, unless it is already shown. */
  async openViewContainer(title: string, timeoutMs = 20_000): Promise<void> {
    const item = this.activityBarItem(title);
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    const checked = await item.getAttribute('aria-checked').catch(() => null);
    const active = checked === 'true' || ((await item.getAttribute('class')) ?? '').split(/\s+/).includes('checked');
    if (!active) await item.locator('.action-label').click();
    await this.page
      .locator('.part.sidebar .composite.title')
      .filter({ hasText: new RegExp(escapeRegExp(title), 'i') })
      .waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** A view pane in the side bar, by its name (e.g. `Runs`). */
  viewPane(name: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({
      has: this.page.locator('.pane-header h3.title', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`, 'i') }),
    });
  }

  /** A tree row whose label contains `label`, in any view of the side bar (or within `scope`). */
  treeItem(label: string | RegExp, scope?: Locator): Locator {
    return (scope ?? this.page.locator('.part.sidebar')).locator('.monaco-list-row').filter({ hasText: label });
  }

  /** The texts of the status-bar items, left to right; `match` narrows them to items containing it. */
  async statusBarText(match?: string | RegExp): Promise<string[]> {
    const items = this.page.locator('.part.statusbar .statusbar-item');
    const texts = (await items.allInnerTexts())
      .map((text) => text.replace(/\s+/g, ' ').trim())
      .filter((text) => text.length > 0);
    if (match === undefined) return texts;
    return texts.filter((text) => (typeof match === 'string' ? text.includes(match) : match.test(text)));
  }

  /** Saves a full-window screenshot as the next numbered step of this test's artefacts; returns its path. */
  async screenshot(step: string): Promise<string> {
    const path = this.artifacts.nextScreenshotPath(step);
    await this.page.screenshot({ path, timeout: 15_000 });
    return path;
  }
}
