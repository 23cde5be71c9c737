import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { startFakeModelServer, type RecordedRequest } from '../support/fakeModelServer/fakeModelServer';
import { toolCallReply, type FakeReply } from '../support/fakeModelServer/fakeReply';
import { scriptedTeam, taskOfRequest } from '../support/scriptedTeam';
import { Editors } from './support/editors';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { briefOf, requestsOfTask, systemPromptOf } from './support/modelRequests';
import { waitUntil } from './support/poll';
import { storedEvents, waitForCompletion, waitForNewRun } from './support/runJournal';
import { runPanelFrame } from './support/runPanelFrame';
import { escapeRegExp, RunsView } from './support/runsView';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Write the impl note and review it';
const IMPL = 'Write the impl note';
const REVIEW = 'Review the impl note';
/** The second run, after the agent file and AGENTS.md were edited in the editor. */
const NEXT_GOAL = 'Write the release notes and review them';
const NOTES = 'Write the release notes';
const NOTES_REVIEW = 'Review the release notes';

/** A sentence only the reviewer's agent file holds: it reaches a model only as that agent's system prompt. */
const REVIEWER_SENTENCE = 'Review like a lighthouse keeper: name every rock you see.';
/** The same sentence after the person edits the agent file in the editor. */
const EDITED_REVIEWER_SENTENCE = 'Review like a harbour pilot: name every rock you see.';
const REVIEWER_FILE = [
  '---',
  'name: reviewer',
  'description: Reviews the change for correctness',
  "tools: ['read', 'search']",
  '---',
  REVIEWER_SENTENCE,
  '',
].join('\n');
/** AGENTS.md's instruction before and after the edit in the editor. */
const OLD_RULE = 'Finish every note with the word marmalade.';
const NEW_RULE = 'Finish every note with the word gooseberry.';

/** The fields of the journal's events this test reads. */
interface StoredEvent {
  type: string;
  taskId?: string;
  agentId?: string;
}

/**
 * The scripted model: the planner plans a coding task and a review of it (capability `review`,
 * after the coding task); the coder proposes `impl.txt`, the reviewer reads it, and each finishes
 * once it has seen a tool result. After `next()`, the planner plans a notes task and its review.
 */
function reviewTeam(): { respond: (request: RecordedRequest) => FakeReply; next: () => void } {
  const first = scriptedTeam(GOAL, [
    { id: 'impl', title: IMPL },
    { id: 'review', title: REVIEW, requiredCapabilities: ['review'], dependencies: ['impl'], writes: [] },
  ]);
  const second = scriptedTeam(NEXT_GOAL, [
    { id: 'notes', title: NOTES },
    { id: 'review2', title: NOTES_REVIEW, requiredCapabilities: ['review'], dependencies: ['notes'], writes: [] },
  ]);
  let team = first;
  return {
    next: () => (team = second),
    respond: (request) => {
      const messages = (request.body as { messages?: Array<{ role: string }> }).messages ?? [];
      if (taskOfRequest(request)?.startsWith('review') && messages.at(-1)?.role !== 'tool')
        return toolCallReply('read_file', { path: 'impl.txt' });
      return team(request);
    },
  };
}

describe('workbench: agent files and project instructions', function () {
  const fx = useWorkbenchFixture();

  it('a review task goes to the agent of .github/agents/reviewer.agent.md and AGENTS.md reaches the briefs; both edited in the editor reach the next run without a reload', async function () {
    const team = reviewTeam();
    const server = (fx.server = await startFakeModelServer({ respond: team.respond }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'agent files',
      files: {
        'README.md': '# Notes\n',
        'impl.txt': 'impl: first draft\n',
        'AGENTS.md': `# Rules for agents\n\n${OLD_RULE}\n`,
        '.github/agents/reviewer.agent.md': REVIEWER_FILE,
      },
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
    }));
    const { workbench } = session;
    const runs = new RunsView(workbench);
    const editors = new Editors(workbench);
    await runs.show();

    await orchestrateGoal(workbench, GOAL);
    const runId = await waitForNewRun(session, []);
    assert.equal(await waitForCompletion(session, runId, 90_000), 'succeeded');

    // The Runs view names the agent each task ran on: the review went to "reviewer".
    const task = (title: string, agent: string) => (r: { level: number; label: string }) =>
      r.level === 2 && new RegExp(`^Task ${escapeRegExp(title)}, succeeded, ${agent}\\b`).test(r.label);
    await runs.waitForRow('the review task done by reviewer', task(REVIEW, 'reviewer'), 30_000);
    await runs.waitForRow('the impl task done by coder', task(IMPL, 'coder'), 30_000);
    await workbench.screenshot('review task on reviewer');

    // The journal says the same: each task started, and succeeded, on that agent.
    const assigned = storedEvents<StoredEvent>(session, runId)
      .filter((e) => e.type === 'task.started' || e.type === 'task.succeeded')
      .map((e) => `${e.taskId}:${e.agentId}`)
      .sort();
    assert.deepEqual(assigned, ['impl:coder', 'impl:coder', 'review:reviewer', 'review:reviewer']);

    // And the model saw that agent: the file's body is the review's system prompt, not the built-in reviewer's.
    const reviewRequests = requestsOfTask(server.requests, 'review');
    assert.ok(reviewRequests.length > 0, 'the review task asked the model');
    for (const request of reviewRequests) {
      assert.equal(systemPromptOf(request), REVIEWER_SENTENCE, 'the reviewer agent file is the system prompt');
    }
    const implRequests = requestsOfTask(server.requests, 'impl');
    assert.ok(implRequests.length > 0, 'the impl task asked the model');
    assert.doesNotMatch(systemPromptOf(implRequests[0]!), /lighthouse/, 'only the reviewer has that prompt');
    // AGENTS.md reached both briefs, marked as the workspace's instructions.
    for (const [id, requests] of [
      ['impl', implRequests],
      ['review', reviewRequests],
    ] as const) {
      const brief = briefOf(requests[0]!);
      const marker = brief.indexOf('Project instructions (provided by files in this workspace');
      assert.ok(marker > 0, `the ${id} brief has a project instructions section:\n${brief}`);
      assert.ok(brief.indexOf(`=== AGENTS.md ===\n# Rules for agents\n\n${OLD_RULE}`) > marker, brief);
    }

    // The run panel's Agents tab lists the reviewer as defined by that file.
    await workbench.runCommand('Orchestrator: Open Run Panel');
    let panel = await runPanelFrame(workbench, 30_000, '[data-testid=tab-agents]');
    await panel.locator('[data-testid=tab-agents]').click();
    const reviewerRow = (frame: Frame): Locator => frame.locator('[data-agent-id=reviewer]');
    await reviewerRow(panel).waitFor({ state: 'visible', timeout: 20_000 });
    const row = await reviewerRow(panel).innerText();
    assert.match(row, /Reviews the change for correctness/, row);
    assert.match(row, /\.github\/agents\/reviewer\.agent\.md/, row);
    await workbench.screenshot('agents tab lists the file reviewer');

    // The person opens the agent file from there, edits its description and body, and saves; no reload.
    await reviewerRow(panel).locator('[data-testid=agent-source]').click();
    await editors
      .tab('reviewer.agent.md')
      .and(workbench.page.locator('.tab.active'))
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    await editors.replaceAll('for correctness', 'for safety');
    await editors.replaceAll('lighthouse keeper', 'harbour pilot');
    await workbench.page.keyboard.press('Control+S');
    const agentFile = join(session.workspace, '.github', 'agents', 'reviewer.agent.md');
    await waitUntil(
      'reviewer.agent.md to be saved with the new body',
      () => readFileSync(agentFile, 'utf8').includes(EDITED_REVIEWER_SENTENCE),
      { timeoutMs: 20_000, describe: () => readFileSync(agentFile, 'utf8') },
    );
    // The watcher reloads the agents: the Agents tab shows the new description.
    await workbench.runCommand('Orchestrator: Open Run Panel');
    panel = await runPanelFrame(workbench, 30_000, '[data-testid=tab-agents]');
    await panel.locator('[data-testid=tab-agents]').click();
    await waitUntil(
      'the Agents tab to show the edited description',
      async () => /Reviews the change for safety/.test(await reviewerRow(panel).innerText({ timeout: 2000 })),
      { timeoutMs: 30_000, describe: () => reviewerRow(panel).innerText({ timeout: 2000 }) },
    );
    await workbench.screenshot('agents tab after the file edit');

    // The person edits AGENTS.md in the editor and saves it; the window is not reloaded.
    await editors.quickOpen('AGENTS.md');
    await editors.replaceAll('marmalade', 'gooseberry');
    await workbench.page.keyboard.press('Control+S');
    await waitUntil(
      'AGENTS.md to be saved with the new rule',
      () => readFileSync(join(session.workspace, 'AGENTS.md'), 'utf8').includes(NEW_RULE),
      { timeoutMs: 20_000, describe: () => readFileSync(join(session.workspace, 'AGENTS.md'), 'utf8') },
    );
    await workbench.screenshot('AGENTS.md edited');

    // The next run's briefs carry the new rule, and its review runs on the edited agent.
    team.next();
    await orchestrateGoal(workbench, NEXT_GOAL);
    const nextRun = await waitForNewRun(session, [runId]);
    assert.equal(await waitForCompletion(session, nextRun, 90_000), 'succeeded');
    await runs.waitForRow('the notes review done by reviewer', task(NOTES_REVIEW, 'reviewer'), 30_000);
    await workbench.screenshot('next run done');
    for (const id of ['notes', 'review2']) {
      const requests = requestsOfTask(server.requests, id);
      assert.ok(requests.length > 0, `the ${id} task asked the model`);
      const brief = briefOf(requests[0]!);
      assert.ok(brief.includes(NEW_RULE), `the ${id} brief has the edited rule:\n${brief}`);
      assert.ok(!brief.includes(OLD_RULE), `the ${id} brief no longer has the old rule`);
    }
    for (const request of requestsOfTask(server.requests, 'review2'))
      assert.equal(systemPromptOf(request), EDITED_REVIEWER_SENTENCE, 'the edited agent file took the next review');
  });
});
