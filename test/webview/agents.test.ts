import assert from 'node:assert/strict';
import type { AgentView } from '../../src/protocol/agents';
import type { HostMessage } from '../../src/protocol/messages';
import { useBrowserSuite, usePanelPage } from './support/browserSuite';
import { snapshot, taskView } from './support/panelBuilders';

const AGENTS: AgentView[] = [
  {
    id: 'coder',
    description: 'Writes and changes code',
    capabilities: ['code', 'refactor'],
    model: 'default',
    running: 2,
    maxLoad: 4,
    attempts: 10,
    successRate: 0.8,
    averageCostUsd: 0.0123,
    averageDurationMs: 42_000,
    source: 'builtin',
  },
  {
    id: 'docs-writer',
    description: '<img src=x onerror=alert(1)> writes docs',
    capabilities: ['docs'],
    model: 'anthropic/claude-x',
    running: 0,
    maxLoad: 1,
    attempts: 0,
    source: 'file',
    sourceLabel: '.orchestrator/agents/docs-writer.md',
  },
  {
    id: 'linter',
    description: '',
    capabilities: ['lint'],
    model: 'default',
    running: 0,
    maxLoad: 1,
    attempts: 0,
    source: 'extension',
  },
];

describe('run panel agents tab (headless Chromium)', function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();
  const panel = usePanelPage(suite, async (p) => {
    await p.send(snapshot([taskView('a')]));
    await p.send({ type: 'agents', agents: AGENTS } as HostMessage);
    await p.page.locator('[data-testid=tab-agents]').click();
    await p.page.locator('[data-testid=agents]').waitFor();
  });

  it('lists the agents with capabilities, model, load, success rate, averages and source', async () => {
    const page = panel().page;
    assert.equal(await page.locator('[data-testid=tab-agents]').textContent(), 'Agents (3)');
    const headers = await page.locator('.agents-table thead th').allTextContents();
    assert.deepEqual(headers, [
      'Agent',
      'Capabilities',
      'Model',
      'Load',
      'Success',
      'Avg cost',
      'Avg duration',
      'Defined in',
    ]);
    const cells = async (id: string) => page.locator(`[data-agent-id="${id}"] > *`).allTextContents();
    assert.deepEqual(await cells('coder'), [
      'coderWrites and changes code',
      'code, refactor',
      'default',
      '2 / 4',
      '80 % of 10',
      '$0.0123',
      '42.0s',
      'built-in',
    ]);
    assert.deepEqual((await cells('docs-writer')).slice(2), [
      'anthropic/claude-x',
      '0 / 1',
      '—',
      '—',
      '—',
      '.orchestrator/agents/docs-writer.md',
    ]);
    assert.equal((await cells('linter')).at(-1), 'another extension');
    assert.equal(await page.locator('[data-agent-id=docs-writer] img').count(), 0, 'model text stays text');
  });

  it('posts openAgentFile with the agent id, never a path, when the source is clicked', async () => {
    const page = panel().page;
    assert.equal(await page.locator('[data-testid=agent-source]').count(), 1, 'only a file is a link');
    await page.locator('[data-testid=agent-source]').click();
    const posted = await panel().posted();
    assert.deepEqual(posted.at(-1), { type: 'openAgentFile', agentId: 'docs-writer' });
    // And from the keyboard.
    await page.locator('[data-testid=agent-source]').focus();
    await page.keyboard.press('Enter');
    assert.equal((await panel().posted()).filter((m) => m.type === 'openAgentFile').length, 2);
  });
});
