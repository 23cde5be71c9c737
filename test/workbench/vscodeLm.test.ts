import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer, type FakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { httpError } from '../support/fakeModelServer/fakeReply';
import { isPlannerRequest, scriptedTeam, taskOfRequest } from '../support/scriptedTeam';
import {
  answerModelAccess,
  cameThroughVscodeLm,
  FAKE_LM_EXTENSION,
  FAKE_LM_MODEL,
  fakeLmEnv,
  readFakeLmFile,
  type FakeLmReport,
} from './support/fakeLmExtension';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { onlyRunId, storedEvents, storedRunIds } from './support/runJournal';
import { escapeRegExp, RunsView } from './support/runsView';
import { extensionId } from './support/testExtension';
import type { Workbench } from './support/workbench';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Rewrite the alpha note and the beta note';
const FILES = {
  'README.md': '# Notes\n',
  'alpha.txt': 'alpha: first draft\n',
  'beta.txt': 'beta: first draft\n',
};
const MAX_TOKENS = 500_000;

/** The fields of the journal's events this test reads. */
interface StoredEvent {
  type: string;
  provider?: string;
  model?: string;
  usage?: { inputTokens: number; outputTokens: number; estimated?: boolean; costUnknown?: boolean };
  budget?: { maxTokens?: number; maxCostUsd?: number };
  status?: string;
  path?: string;
}

/**
 * A workbench with the test extension's model, forwarding to `server`, chosen in the user settings
 * (provider `vscode-lm`) unless `modelInSettings` is false.
 */
function startOnFakeLm(title: string, server: FakeModelServer, modelInSettings = true): Promise<WorkbenchSession> {
  return WorkbenchSession.start({
    title,
    files: FILES,
    prepareWorkspace: initGitRepo,
    extraExtensions: [FAKE_LM_EXTENSION],
    env: fakeLmEnv(server),
    settings: {
      ...(modelInSettings
        ? { 'agentOrchestrator.provider': 'vscode-lm', 'agentOrchestrator.model': FAKE_LM_MODEL.id }
        : {}),
      'agentOrchestrator.approvalMode': 'autoApprove',
      'agentOrchestrator.budget.maxTokens': MAX_TOKENS,
    },
  });
}

/**
 * Chooses the test extension's model with "Select Provider and Model", as a user does: the provider
 * list offers VS Code's models beside the API-key providers, and the model list shows what
 * `vscode.lm` offers. Returns the model row's text.
 */
async function pickFakeLmModel(workbench: Workbench): Promise<string> {
  const rows = workbench.quickInputWidget().locator('.quick-input-list .monaco-list-row');
  const pick = async (label: RegExp, step: string): Promise<string> => {
    const row = rows.filter({ has: workbench.page.locator('.label-name', { hasText: label }) }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    await workbench.screenshot(step);
    await row.click();
    return text;
  };
  await workbench.runCommand('Orchestrator: Select Provider and Model');
  await pick(/^\s*VS Code language models\s*$/, 'provider pick');
  const model = await pick(/^\s*Fake LM Model\s*$/, 'model pick');
  await workbench.waitForNotification(/Agent Orchestrator uses VS Code language models with fake-lm-model/);
  return model;
}

/** The two-task team the tests script: each agent writes `<task>.txt`. */
function team(): ReturnType<typeof scriptedTeam> {
  return scriptedTeam(GOAL, [
    { id: 'alpha', title: 'Rewrite the alpha note' },
    { id: 'beta', title: 'Rewrite the beta note' },
  ]);
}

describe('workbench: a run on a vscode.lm model', function () {
  const fx = useWorkbenchFixture();

  it('plans and runs a goal with a model another extension offers through vscode.lm, after consent, with no API key', async function () {
    // The model server answers only what the test extension forwards from its vscode.lm provider.
    const server = (fx.server = await startFakeModelServer({ respond: team() }));
    const session = (fx.session = await startOnFakeLm(this.test?.fullTitle() ?? 'vscode lm run', server, false));
    const { workbench } = session;
    const read = (name: string): string => readFileSync(join(session.workspace, name), 'utf8');
    const runs = new RunsView(workbench);
    await runs.show();

    // The model, chosen in the picker; it lands in the user settings.
    const row = await pickFakeLmModel(workbench);
    assert.match(row, /fake-lm · fake-family · 100,000 input tokens/, row);
    const settings = await waitUntil('the choice in the user settings', () => {
      const json = JSON.parse(
        readFileSync(join(session.server.userDataDir, 'User', 'settings.json'), 'utf8'),
      ) as Record<string, unknown>;
      return json['agentOrchestrator.model'] === FAKE_LM_MODEL.id ? json : undefined;
    });
    assert.equal(settings['agentOrchestrator.provider'], 'vscode-lm');

    // The goal from the palette; the first model request brings VS Code's consent question.
    await orchestrateGoal(workbench, GOAL);
    const consent = await answerModelAccess(workbench, 'Allow');
    assert.match(consent, /The extension 'Agent Orchestrator' wants to access the language models provided by/);
    assert.match(consent, /Agent Orchestrator runs the planner and agents/, 'the dialog shows our justification');

    await waitForToast(workbench, /Run succeeded: .*\(2 tasks\)/, 90_000);
    await runs.waitForRow(
      'the run, succeeded',
      (r) => r.level === 1 && new RegExp(`^Run ${escapeRegExp(GOAL)}, succeeded`).test(r.label),
      20_000,
    );
    // The status bar counts the run's tokens against the token budget; VS Code has no prices, so the cost is unknown.
    const spent = await waitUntil('the status bar to show tokens against the budget', async () =>
      (await workbench.statusBarText(/tok/)).find((text) => /[1-9][\d.,]*K? \/ 500K tok · unknown/.test(text)),
    );
    assert.doesNotMatch(spent, /\$/, `no dollar amount for an unpriced model: ${spent}`);
    await workbench.screenshot('run succeeded on the vscode.lm model');

    // The agents' edits are applied (auto-approved).
    assert.equal(read('alpha.txt'), 'written by alpha\n');
    assert.equal(read('beta.txt'), 'written by beta\n');

    // No API key anywhere: the extension host had no OpenAI or Anthropic variable, and every request
    // reached the server through the vscode.lm provider, sent by our extension.
    const report = await waitUntil('the fake provider report', () =>
      readFakeLmFile<FakeLmReport>(session, 'report.json'),
    );
    assert.deepEqual(report.envKeys, [], 'no OPENAI_* or ANTHROPIC_* variable in the extension host');
    assert.deepEqual(report.errors, [], 'the provider threw nothing');
    assert.deepEqual(report.requesters, [extensionId()], 'only our extension sent chat requests');
    assert.ok(report.tokenCounts > 0, `the model's own countTokens was used: ${report.tokenCounts} calls`);
    assert.ok(server.requests.length > 0);
    assert.deepEqual(
      server.requests.filter((r) => !cameThroughVscodeLm(r)).map((r) => `${r.seq} ${r.headers['user-agent']}`),
      [],
      'no request came from an SDK client',
    );
    assert.equal(report.requests, server.requests.length, 'the server saw exactly what the provider forwarded');
    assert.equal(server.requests.filter(isPlannerRequest).length, 1, 'one planner request');
    for (const task of ['alpha', 'beta']) {
      const turns = server.requests.filter((r) => taskOfRequest(r) === task);
      assert.equal(turns.length, 2, `task ${task}: propose_edit, then finish_task after the tool result`);
      // The second turn carries the first turn's tool call and its result, converted both ways.
      const second = turns[1]?.body as { messages: Array<{ role: string; tool_calls?: unknown[] }> };
      assert.ok(second.messages.some((m) => m.role === 'assistant' && (m.tool_calls ?? []).length === 1));
      assert.equal(second.messages.at(-1)?.role, 'tool');
    }

    // The stored run: the budget in tokens, every call on the vscode.lm model, tokens counted by it.
    const events = storedEvents<StoredEvent>(session, onlyRunId(session));
    assert.deepEqual(events.find((e) => e.type === 'run.created')?.budget, { maxTokens: MAX_TOKENS });
    const usage = events.filter((e) => e.type === 'usage.recorded');
    assert.equal(usage.length, server.requests.length, 'one usage record per model call');
    for (const u of usage) {
      assert.equal(u.provider, 'vscode-lm');
      assert.equal(u.model, FAKE_LM_MODEL.id);
      assert.ok((u.usage?.inputTokens ?? 0) > 0, `input tokens counted: ${JSON.stringify(u.usage)}`);
      assert.notEqual(u.usage?.estimated, true, `counted by the model, not estimated: ${JSON.stringify(u.usage)}`);
    }
    assert.deepEqual(
      events
        .filter((e) => e.type === 'edit.applied')
        .map((e) => e.path)
        .sort(),
      ['alpha.txt', 'beta.txt'],
    );
    assert.equal(events.filter((e) => e.type === 'run.completed').at(-1)?.status, 'succeeded');
  });

  it('without consent the run pauses and says how to go on; Resume asks again, and Allow finishes it', async function () {
    const server = (fx.server = await startFakeModelServer({ respond: team() }));
    const session = (fx.session = await startOnFakeLm(this.test?.fullTitle() ?? 'vscode lm consent', server));
    const { workbench } = session;
    const runs = new RunsView(workbench);
    await runs.show();

    // Cancel VS Code's question: nothing reaches the model, and the run pauses (it does not fail).
    await orchestrateGoal(workbench, GOAL);
    await answerModelAccess(workbench, 'Cancel');
    const paused = await waitForToast(workbench, /Run paused: VS Code has not allowed Agent Orchestrator/, 45_000);
    const pausedText = (await paused.innerText()).replace(/\s+/g, ' ');
    assert.match(pausedText, /choose Allow when VS Code asks/);
    assert.doesNotMatch(pausedText, /\.\)/, "VS Code's reason is quoted without its period");
    await runs.waitForRow(
      'the run, paused',
      (r) => r.level === 1 && new RegExp(`^Run ${escapeRegExp(GOAL)}, paused`).test(r.label),
      20_000,
    );
    await workbench.screenshot('paused without consent');
    assert.equal(server.requests.length, 0, 'no request reached the model without consent');
    const runId = onlyRunId(session);
    assert.equal(
      storedEvents<StoredEvent>(session, runId)
        .filter((e) => e.type === 'run.completed')
        .at(-1)?.status,
      'paused',
    );

    // Resume from the notification: VS Code asks again; Allow, and the same run finishes.
    await paused.locator('.monaco-button', { hasText: /^\s*Resume\s*$/ }).click();
    await answerModelAccess(workbench, 'Allow');
    await waitForToast(workbench, /Run succeeded: .*\(2 tasks\)/, 90_000);
    await workbench.screenshot('resumed and succeeded');
    assert.deepEqual(storedRunIds(session), [runId], 'the paused run was resumed, not a new one started');
    assert.equal(readFileSync(join(session.workspace, 'alpha.txt'), 'utf8'), 'written by alpha\n');
    assert.equal(readFileSync(join(session.workspace, 'beta.txt'), 'utf8'), 'written by beta\n');
    assert.ok(server.requests.every(cameThroughVscodeLm));
  });

  it('a used-up quota (Blocked) pauses the run; Resume after the limit finishes it', async function () {
    // The planner's first request is rate-limited; the test extension turns the 429 into VS Code's `Blocked`.
    const respond = team();
    let limited = 0;
    const server = (fx.server = await startFakeModelServer({
      respond: (request) => (isPlannerRequest(request) && limited++ === 0 ? httpError(429) : respond(request)),
    }));
    const session = (fx.session = await startOnFakeLm(this.test?.fullTitle() ?? 'vscode lm quota', server));
    const { workbench } = session;
    const runs = new RunsView(workbench);
    await runs.show();

    await orchestrateGoal(workbench, GOAL);
    await answerModelAccess(workbench, 'Allow');
    const paused = await waitForToast(workbench, /Run paused: VS Code blocked requests to vscode-lm model/, 45_000);
    assert.match((await paused.innerText()).replace(/\s+/g, ' '), /resume it once the limit resets/);
    await workbench.screenshot('paused by a used-up quota');
    assert.deepEqual(
      server.requests.map((r) => r.outcome),
      ['fault:http-429'],
      'the rate-limited request was not retried in a loop',
    );
    const runId = onlyRunId(session);
    assert.equal(
      storedEvents<StoredEvent>(session, runId)
        .filter((e) => e.type === 'run.completed')
        .at(-1)?.status,
      'paused',
    );

    // The limit has reset: Resume from the notification, no second consent question, and the run finishes.
    await paused.locator('.monaco-button', { hasText: /^\s*Resume\s*$/ }).click();
    await waitForToast(workbench, /Run succeeded: .*\(2 tasks\)/, 90_000);
    await workbench.screenshot('resumed after the quota');
    assert.deepEqual(storedRunIds(session), [runId]);
    assert.equal(readFileSync(join(session.workspace, 'beta.txt'), 'utf8'), 'written by beta\n');
  });
});
