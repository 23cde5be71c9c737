import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../support/scriptedTeam';
import { Editors } from './support/editors';
import { git, initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { escapeRegExp, RunsView, type RunsTreeRow } from './support/runsView';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Rewrite the alpha note and the beta note';
const ALPHA = 'Rewrite the alpha note';
const BETA = 'Rewrite the beta note';
/** What the workspace holds before the run; scriptedTeam's agents propose `written by <task>\n` for `<task>.txt`. */
const FILES = {
  'README.md': '# Notes\n',
  'src/index.js': 'module.exports = {};\n',
  'alpha.txt': 'alpha: first draft\n',
  'beta.txt': 'beta: keep me as I am\n',
};

const isRun = (status: RegExp) => (row: RunsTreeRow) =>
  row.level === 1 && new RegExp(`^Run ${escapeRegExp(GOAL)}, ${status.source}`).test(row.label);
const isTask = (title: string, status?: RegExp) => (row: RunsTreeRow) =>
  row.level === 2 && new RegExp(`^Task ${escapeRegExp(title)}, ${status ? status.source : ''}`).test(row.label);
const isEdit = (path: string, status: RegExp) => (row: RunsTreeRow) =>
  row.level === 3 && new RegExp(`^Edit ${escapeRegExp(path)}, ${status.source}`).test(row.label);

/** The fields of the journal's events this test reads. */
interface StoredEvent {
  type: string;
  taskId?: string;
  decision?: string;
  by?: string;
  reason?: string;
  path?: string;
  status?: string;
}

/** The token count a status-bar text like `$(dashboard) 2.5K tok · $0.0004` shows. */
function tokensShown(text: string): number | undefined {
  const match = /([\d.,]+)\s*([KMB]?)\s*tok\b/.exec(text);
  if (!match?.[1]) return undefined;
  const scale = { '': 1, K: 1e3, M: 1e6, B: 1e9 }[match[2] ?? ''] ?? 1;
  return Number(match[1].replace(/,/g, '')) * scale;
}

describe('workbench: full run', function () {
  const fx = useWorkbenchFixture();

  it('orchestrates a goal from the palette, shows the tasks, takes an accepted and a rejected edit, the tokens and the stored run', async function () {
    // Two independent tasks; each agent waits a moment before proposing, so "running" is visible.
    const server = (fx.server = await startFakeModelServer({
      respond: scriptedTeam(
        GOAL,
        [
          { id: 'alpha', title: ALPHA },
          { id: 'beta', title: BETA },
        ],
        1500,
      ),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'full run',
      files: FILES,
      prepareWorkspace: initGitRepo,
      // Per-hunk CodeLenses show in diff editors only with this on (the extension would otherwise ask).
      settings: { 'diffEditor.codeLens': true, 'agentOrchestrator.approvalMode': 'ask' },
      modelServer: server,
    }));
    const { workbench } = session;
    const runs = new RunsView(workbench);
    const editors = new Editors(workbench);
    const file = (name: string): string => join(session.workspace, name);

    await runs.show();
    await runs
      .pane()
      .locator('.welcome-view-content', { hasText: 'No runs yet' })
      .waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.screenshot('runs view empty');

    // The goal, from the palette.
    const recording = runs.record();
    await orchestrateGoal(workbench, GOAL);
    await workbench.waitForNotification(/Orchestrating/, 30_000);

    // The run appears, running, with its two tasks under it, running too.
    await runs.waitForRow('the run, running', (r) => isRun(/running/)(r) && r.icons.includes('sync'), 30_000);
    await runs.waitForRow(
      `task "${ALPHA}" running`,
      (r) => isTask(ALPHA, /running/)(r) && r.icons.includes('sync'),
      30_000,
    );
    await runs.waitForRow(
      `task "${BETA}" running`,
      (r) => isTask(BETA, /running/)(r) && r.icons.includes('sync'),
      30_000,
    );
    await workbench.screenshot('run and tasks running');

    // Each agent proposes its file: a diff editor per proposal, waiting for the user.
    const alphaTab = 'alpha.txt (Proposed by';
    const betaTab = 'beta.txt (Proposed by';
    await editors.tab(alphaTab).first().waitFor({ state: 'visible', timeout: 30_000 });
    await editors.tab(betaTab).first().waitFor({ state: 'visible', timeout: 30_000 });
    // The tasks now have their pending edits as children: expand them to see.
    for (const title of [ALPHA, BETA]) await runs.expand(new RegExp(`^Task ${escapeRegExp(title)}, `));
    await runs.waitForRow('the alpha edit waiting for review', isEdit('alpha.txt', /waiting for review/), 20_000);
    await runs.waitForRow('the beta edit waiting for review', isEdit('beta.txt', /waiting for review/), 20_000);
    await workbench.screenshot('two proposals waiting');

    // Accept alpha's change with the CodeLens above its only hunk; that decides the whole edit.
    await editors.activate(alphaTab);
    const acceptLens = editors.codeLens(/^Accept change$/);
    await acceptLens.first().waitFor({ state: 'visible', timeout: 20_000 });
    await workbench.screenshot('alpha diff with codelens');
    await acceptLens.first().click();
    await editors.tab(alphaTab).first().waitFor({ state: 'detached', timeout: 20_000 });
    const alphaAfter = await waitUntil(
      'alpha.txt to hold the proposed text',
      () => {
        const text = readFileSync(file('alpha.txt'), 'utf8');
        return text === 'written by alpha\n' ? text : undefined;
      },
      { timeoutMs: 20_000, describe: () => JSON.stringify(readFileSync(file('alpha.txt'), 'utf8')) },
    );
    assert.equal(alphaAfter, 'written by alpha\n');
    await workbench.screenshot('alpha accepted');

    // Reject beta's edit from the editor title, giving the agent a reason.
    await editors.activate(betaTab);
    const reject = editors.titleAction('Reject Edit');
    await reject.first().waitFor({ state: 'visible', timeout: 20_000 });
    await workbench.screenshot('beta diff with reject action');
    await reject.first().click();
    const reason = workbench.quickInput();
    await workbench
      .quickInputWidget()
      .locator('.quick-input-title', { hasText: 'Reject the edit of beta.txt' })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await reason.pressSequentially('Keep the beta note as it is', { delay: 5 });
    await workbench.screenshot('reject reason');
    await reason.press('Enter');
    await editors.tab(betaTab).first().waitFor({ state: 'detached', timeout: 20_000 });

    // The run ends; the tree shows how, with both decisions under their tasks.
    const ended = await runs.waitForRow('the run to end', isRun(/(succeeded|failed)/), 45_000);
    await runs.waitForRow('the alpha edit accepted', isEdit('alpha.txt', /(accepted|applied)/), 20_000);
    await runs.waitForRow('the beta edit rejected', isEdit('beta.txt', /rejected/), 20_000);

    // On disk: the accepted file has the proposal, the rejected one is as it was, nothing else was written.
    assert.equal(readFileSync(file('alpha.txt'), 'utf8'), 'written by alpha\n');
    assert.equal(
      readFileSync(file('beta.txt'), 'utf8'),
      FILES['beta.txt'],
      'the rejected edit left beta.txt unchanged',
    );
    assert.equal(readFileSync(file('README.md'), 'utf8'), FILES['README.md']);

    // The product's outcome: the rejected agent is told "rejected" and (scripted) finishes its task
    // without the edit, so both tasks succeed and so does the run.
    assert.ok(isRun(/succeeded/)(ended), `the run succeeded; the tree shows: ${ended.label}`);
    assert.ok(ended.icons.includes('pass'), `the run shows the pass icon; it shows ${ended.icons.join(' ')}`);
    await runs.waitForRow(
      `task "${ALPHA}" succeeded`,
      (r) => isTask(ALPHA, /succeeded/)(r) && r.icons.includes('pass'),
      10_000,
    );
    await runs.waitForRow(
      `task "${BETA}" succeeded`,
      (r) => isTask(BETA, /succeeded/)(r) && r.icons.includes('pass'),
      10_000,
    );
    await recording.stop();
    await waitForToast(workbench, /Run succeeded: .*\(2 tasks\)/, 20_000);
    await workbench.screenshot('run succeeded');

    // Over time each task went from running (spinning) to succeeded.
    for (const title of [ALPHA, BETA]) {
      const states = recording.labelsOf(isTask(title)).map((label) => /^Task .*?, (\w+)/.exec(label)?.[1]);
      const running = states.indexOf('running');
      assert.ok(running >= 0, `task "${title}" was seen running: ${states.join(' → ')}`);
      assert.ok(
        states.lastIndexOf('succeeded') > running,
        `task "${title}" went from running to succeeded: ${states.join(' → ')}`,
      );
    }
    assert.ok(
      recording.seen((r) => isRun(/running/)(r) && r.icons.includes('modifier-spin')),
      'the run row spun while the run was running',
    );

    // The status bar shows the tokens the run used.
    const tokenItems = await waitUntil(
      'a status-bar item with tokens',
      async () => {
        const items = await workbench.statusBarText(/tok/);
        return items.some((text) => (tokensShown(text) ?? 0) > 0) ? items : undefined;
      },
      { timeoutMs: 20_000, describe: async () => (await workbench.statusBarText()).join(' | ') },
    );
    const shownTokens = tokensShown(tokenItems.find((text) => (tokensShown(text) ?? 0) > 0) ?? '') ?? 0;
    assert.ok(shownTokens > 0, `the status bar shows tokens used: ${tokenItems.join(' | ')}`);
    await workbench.page.locator('.part.statusbar .statusbar-item', { hasText: /tok/ }).first().hover();
    await workbench.screenshot('status bar tokens');

    // The run's files in globalStorage.
    const runsDir = join(session.globalStorageDir(), 'runs');
    const runIds = readdirSync(runsDir).filter((name) => statSync(join(runsDir, name)).isDirectory());
    assert.equal(runIds.length, 1, `one run folder under ${runsDir}: ${runIds.join(', ')}`);
    const runDir = join(runsDir, runIds[0]!);
    await waitUntil(
      'snapshot.json to be written when the run closes',
      () => existsSync(join(runDir, 'snapshot.json')),
      { timeoutMs: 20_000 },
    );
    // The journal holds the decisions as the user made them, and only the accepted edit applied.
    const events = readFileSync(join(runDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as StoredEvent);
    const decided = events
      .filter((e) => e.type === 'approval.decided')
      .map((e) => `${e.taskId}:${e.decision}:${e.by}${e.reason ? `:${e.reason}` : ''}`)
      .sort();
    assert.deepEqual(decided, ['alpha:accepted:user', 'beta:rejected:user:Keep the beta note as it is']);
    assert.deepEqual(
      events.filter((e) => e.type === 'edit.applied').map((e) => e.path),
      ['alpha.txt'],
    );
    assert.equal(events.filter((e) => e.type === 'run.completed').at(-1)?.status, 'succeeded');
    const snapshot = JSON.parse(readFileSync(join(runDir, 'snapshot.json'), 'utf8')) as Record<string, unknown>;
    assert.match(JSON.stringify(snapshot), new RegExp(escapeRegExp(GOAL)), 'snapshot.json is of this run');
    // The API key never reaches the storage folder (checklist 8): it lives only in the environment or SecretStorage.
    const leaked = filesUnder(session.globalStorageDir()).filter((file) =>
      readFileSync(file, 'utf8').includes(server.apiKey),
    );
    assert.deepEqual(leaked, [], 'no file under globalStorage contains the API key');

    // The workspace is a git repository: the run took checkpoints on its own refs and left the branch alone.
    const refs = git(session.workspace, ['for-each-ref', '--format=%(refname)', 'refs/agent-orchestrator/']);
    for (const task of ['alpha', 'beta']) {
      assert.match(
        refs,
        new RegExp(`^refs/agent-orchestrator/checkpoints/${escapeRegExp(runIds[0]!)}/${task}/\\d+$`, 'm'),
        `a checkpoint of task ${task}: ${refs}`,
      );
    }
    assert.equal(git(session.workspace, ['rev-list', '--count', 'HEAD']), '1', 'no commit was added to the branch');
    assert.match(
      git(session.workspace, ['status', '--porcelain']),
      /^\s?M alpha\.txt$/m,
      'git sees the accepted change as a working-tree change',
    );

    // The model server saw the planner and both agents (propose, then finish) and nothing else.
    assert.ok(server.requests.length >= 5, `requests: ${server.requests.length}`);
    assert.ok(
      server.requests.every((r) => r.outcome === 'answered'),
      `every request was answered: ${server.requests.map((r) => r.outcome).join(', ')}`,
    );
  });
});

/** Every file below `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)],
  );
}
