import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useBrowserSuite } from './support/browserSuite';
import { ARTIFACTS, editApproval, layeredTasks, snapshot } from './support/panelBuilders';
import type { ThemeName } from './support/themes';
import { PanelPage } from './support/webviewPage';

describe('run panel themes: light, dark and high contrast screenshots', function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();
  const backgrounds = new Map<ThemeName, string>();

  for (const theme of ['light', 'dark', 'highContrast'] as const) {
    it(`renders in the ${theme} theme from --vscode-* variables and saves a screenshot`, async () => {
      const panel = await PanelPage.open(suite.browser, suite.server, theme);
      try {
        const tasks = layeredTasks(20, 5);
        tasks[7] = { ...tasks[7]!, status: 'awaitingApproval' };
        tasks[8] = { ...tasks[8]!, status: 'retrying' };
        tasks[9] = { ...tasks[9]!, status: 'skipped' };
        tasks[12] = { ...tasks[12]!, status: 'cancelled' };
        await panel.send(snapshot(tasks, { approvals: [editApproval('t7:edit:src/t7.ts:1', 't7')] }));
        await panel.page.locator('[data-task-id=t5]').dblclick();
        await panel.page.locator('[data-testid=details]').waitFor();
        backgrounds.set(theme, await panel.page.evaluate(() => getComputedStyle(document.body).backgroundColor));
        mkdirSync(ARTIFACTS, { recursive: true });
        const file = join(ARTIFACTS, `run-panel-${theme}.png`);
        await panel.page.screenshot({ path: file });
        assert.ok(statSync(file).size > 5000, 'the screenshot has content');
        assert.deepEqual(panel.errors, []);
      } finally {
        await panel.page.close();
      }
    });
  }

  it('the three themes look different', () => {
    assert.equal(new Set(backgrounds.values()).size, 3, JSON.stringify([...backgrounds]));
  });
});
