import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../support/scriptedTeam';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { escapeRegExp, RunsView, type RunsTreeRow } from './support/runsView';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Write the alpha and beta notes, slowly';
const ALPHA = 'Write the alpha note';
const BETA = 'Write the beta note';
/** Each agent takes this long to answer its first turn, so the reload lands while both tasks run. */
const AGENT_DELAY_MS = 4000;

const isRun = (status: RegExp) => (row: RunsTreeRow) =>
  row.level === 1 && new RegExp(`^Run ${escapeRegExp(GOAL)}, ${status.source}`).test(row.label);
const isTask = (title: string, status: RegExp) => (row: RunsTreeRow) =>
  row.level === 2 && new RegExp(`^Task ${escapeRegExp(title)}, ${status.source}`).test(row.label);

describe('workbench: reload', function () {
  const fx = useWorkbenchFixture();

  it('restores a run interrupted by "Reload Window" from globalStorage and resumes it to the end', async function () {
    const server = (fx.server = await startFakeModelServer({
      respond: scriptedTeam(
        GOAL,
        [
          { id: 'alpha', title: ALPHA },
          { id: 'beta', title: BETA },
        ],
        AGENT_DELAY_MS,
      ),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'reload',
      files: { 'README.md': '# Notes\n' },
      prepareWorkspace: initGitRepo,
      // Edits apply without asking, so the resumed run completes by itself.
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
    }));
    const { workbench } = session;
    const runs = new RunsView(workbench);
    const file = (name: string): string => join(session.workspace, name);

    await runs.show();
    await orchestrateGoal(workbench, GOAL);

    // Mid-run: both agents are waiting for their (slow) model answer.
    await runs.waitForRow('the run, running', isRun(/running/), 30_000);
    await runs.waitForRow(`task "${ALPHA}" running`, isTask(ALPHA, /running/), 30_000);
    await runs.waitForRow(`task "${BETA}" running`, isTask(BETA, /running/), 30_000);
    // The planner's request and one per agent, the agents' still unanswered.
    const agentRequestsBefore = await waitUntil(
      'the planner and both agents to have called the model',
      () => (server.requests.length >= 3 ? server.requests.length : undefined),
      { timeoutMs: 20_000 },
    );
    assert.equal(agentRequestsBefore, 3, 'no agent had its answer yet');
    await workbench.screenshot('mid run');
    assert.ok(
      !existsSync(file('alpha.txt')) && !existsSync(file('beta.txt')),
      'no task has written its file before the reload',
    );

    // "Developer: Reload Window" from the palette; the extension host, and the run in it, stop.
    await workbench.reload();
    await runs.show();
    const restored = await runs.waitForRow(
      'the run restored as interrupted',
      isRun(/interrupted, can be resumed/),
      45_000,
    );
    assert.ok(
      restored.icons.includes('debug-disconnect'),
      `the interrupted run shows the disconnect icon; it shows ${restored.icons.join(' ')}`,
    );
    await runs.expand(new RegExp(`^Run ${escapeRegExp(GOAL)}, `));
    // Its tasks come back with it, as the log left them (see the note on their icons in the report).
    await runs.waitForRow(`task "${ALPHA}" restored`, isTask(ALPHA, /\w+/), 20_000);
    await runs.waitForRow(`task "${BETA}" restored`, isTask(BETA, /\w+/), 20_000);
    await workbench.screenshot('restored interrupted');
    // It came from globalStorage: the run folder the first extension host wrote.
    const runsDir = join(session.globalStorageDir(), 'runs');
    const runIds = readdirSync(runsDir);
    assert.equal(runIds.length, 1, 'one run in globalStorage');
    const journal = join(runsDir, runIds[0]!, 'events.jsonl');
    const eventTypes = (): string[] =>
      readFileSync(journal, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { type: string }).type);
    assert.ok(eventTypes().includes('task.started'), 'the journal has the tasks started before the reload');
    assert.ok(!eventTypes().includes('run.completed'), 'the journal has no end of the run');
    // Nothing runs on its own after the reload: no new model request until the user resumes.
    assert.equal(
      server.requests.length,
      agentRequestsBefore,
      'the interrupted run does not call the model before it is resumed',
    );

    // Resume with the run's inline action in the tree (hover shows it).
    const runRow = runs.row(new RegExp(`^Run ${escapeRegExp(GOAL)}, interrupted`));
    await runRow.hover();
    const resume = runRow.locator('.actions .action-label[aria-label^="Resume Run"]');
    await resume.waitFor({ state: 'visible', timeout: 10_000 });
    await workbench.screenshot('resume action');
    await resume.click();

    // The run continues: running again, then to the end.
    await workbench.waitForNotification(/Resuming/, 30_000);
    await runs.waitForRow('the resumed run, running', isRun(/running/), 30_000);
    await workbench.screenshot('resumed running');
    const ended = await runs.waitForRow('the resumed run to succeed', isRun(/(succeeded|failed)/), 45_000);
    assert.ok(isRun(/succeeded/)(ended), `the resumed run succeeded: ${ended.label}`);
    assert.ok(ended.icons.includes('pass'), `the run shows the pass icon; it shows ${ended.icons.join(' ')}`);
    await runs.expand(new RegExp(`^Run ${escapeRegExp(GOAL)}, `));
    await runs.waitForRow(`task "${ALPHA}" succeeded`, isTask(ALPHA, /succeeded/), 10_000);
    await runs.waitForRow(`task "${BETA}" succeeded`, isTask(BETA, /succeeded/), 10_000);
    await waitForToast(workbench, /Run succeeded/, 20_000);
    await workbench.screenshot('resumed run succeeded');

    // Both tasks did their work after the resume.
    assert.equal(readFileSync(file('alpha.txt'), 'utf8'), 'written by alpha\n');
    assert.equal(readFileSync(file('beta.txt'), 'utf8'), 'written by beta\n');
    assert.ok(server.requests.length > agentRequestsBefore, 'the resumed tasks called the model again');
    // The same run, continued: one run folder, resumed and completed in its journal.
    assert.deepEqual(readdirSync(runsDir), runIds);
    assert.ok(eventTypes().includes('run.resumed'), 'the journal records the resume');
    assert.ok(eventTypes().includes('run.completed'), 'the journal records the end');
  });
});
