import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakeModelServer, type RecordedRequest } from '../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeReply } from '../support/fakeModelServer/fakeReply';
import { isPlannerRequest, taskOfRequest } from '../support/scriptedTeam';
import { orchestrateGoal } from './support/goalFlow';
import { demoMcpCalls, demoMcpJson } from './support/mcpDemo';
import { requestsOfTask, toolResultsOf } from './support/modelRequests';
import { clickToastButton, waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { storedEvents, storedRunIds, waitForCompletion, waitForNewRun } from './support/runJournal';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

/** The word each run's agent echoes through the MCP server; it names the run's only task too. */
const APPROVED = 'sunrise';
const REJECTED = 'midnight';
const goalOf = (word: string): string => `Echo the word ${word} through the demo tool`;

/** An agent of ours that may use only the demo server's echo tool (and finish its task). */
const ECHOER = [
  '---',
  'name: echoer',
  'description: Echoes words through the demo MCP server',
  'capabilities: [echo]',
  'tools: [mcp__demo__echo, finish_task]',
  '---',
  'You echo the word you are given with the demo MCP server.',
  '',
].join('\n');

/**
 * The scripted model: the planner plans one `echo` task named after the goal's word; the agent
 * calls `mcp__demo__echo` with that word, and finishes once it has seen the tool's result.
 */
function echoTeam(request: RecordedRequest): FakeReply {
  if (isPlannerRequest(request)) {
    const word = JSON.stringify(request.body).includes(REJECTED) ? REJECTED : APPROVED;
    const plan = {
      goal: goalOf(word),
      tasks: [{ id: word, title: `Echo ${word}`, requiredCapabilities: ['echo'], writes: [] }],
    };
    return (request.body as { response_format?: unknown }).response_format !== undefined
      ? jsonReply(plan)
      : toolCallReply('submit_plan', plan);
  }
  const word = taskOfRequest(request) ?? 'unknown';
  const messages = (request.body as { messages?: Array<{ role: string }> }).messages ?? [];
  if (messages.at(-1)?.role === 'tool') return toolCallReply('finish_task', { summary: `echoed ${word}` });
  return toolCallReply('mcp__demo__echo', { text: word });
}

/** The journal's approval events of a run, as `kind:decision:by`. */
function approvalsOf(session: WorkbenchSession, runId: string): string[] {
  return storedEvents<{ type: string; kind?: string; decision?: string; by?: string; command?: string }>(session, runId)
    .filter((e) => e.type === 'approval.requested' || e.type === 'approval.decided')
    .map((e) =>
      e.type === 'approval.requested' ? `requested:${e.kind}:${e.command}` : `decided:${e.decision}:${e.by}`,
    );
}

describe('workbench: an MCP tool from .vscode/mcp.json, approved in a notification, then used', function () {
  const fx = useWorkbenchFixture();

  it('Call: the call reaches the stdio server and its result the next model request; Reject with Reason…: the model reads the person’s words, the server gets nothing', async function () {
    const server = (fx.server = await startFakeModelServer({ respond: echoTeam }));
    let callsFile = '';
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'mcp tool',
      files: { 'README.md': '# Echo\n', '.orchestrator/agents/echoer.md': ECHOER },
      // The server's log of calls lies beside the workspace, inside the session's throw-away folder.
      prepareWorkspace: (workspace) => {
        callsFile = join(dirname(workspace), 'mcp-calls.txt');
        mkdirSync(join(workspace, '.vscode'), { recursive: true });
        writeFileSync(join(workspace, '.vscode', 'mcp.json'), demoMcpJson('demo', callsFile));
      },
      // VS Code's own MCP support stays off, so only the extension can start the server.
      settings: { 'chat.mcp.enabled': false, 'agentOrchestrator.approvalMode': 'ask' },
      modelServer: server,
    }));
    const { workbench } = session;

    // Approved: the agent's call waits for a person in a notification naming the tool and its arguments.
    await orchestrateGoal(workbench, goalOf(APPROVED));
    const ask = await waitForToast(
      workbench,
      new RegExp(
        `Task ${APPROVED} wants to call the MCP tool "echo" of server "demo" with the arguments \\{ ?"text": ?"${APPROVED}" ?\\}\\.`,
      ),
      90_000,
    );
    const firstRun = await waitForNewRun(session, []);
    await workbench.screenshot('mcp call waits for approval');
    assert.deepEqual(demoMcpCalls(callsFile), [], 'nothing reached the server before the approval');
    await clickToastButton(ask, 'Call');

    await waitUntil('the echo call to reach the MCP server', () => demoMcpCalls(callsFile).length > 0, {
      timeoutMs: 60_000,
      describe: () => JSON.stringify(demoMcpCalls(callsFile)),
    });
    assert.equal(await waitForCompletion(session, firstRun), 'succeeded');
    await waitForToast(workbench, /Run succeeded/, 30_000);
    await workbench.screenshot('approved call used');
    assert.deepEqual(demoMcpCalls(callsFile), [APPROVED], 'the server got exactly the approved call');
    const approvedTask = requestsOfTask(server.requests, APPROVED);
    assert.ok(
      approvedTask.some((r) => toolResultsOf(r).includes(`echo: ${APPROVED}`)),
      `the server's answer reached the model: ${JSON.stringify(approvedTask.map(toolResultsOf))}`,
    );
    assert.deepEqual(approvalsOf(session, firstRun), [
      `requested:command:mcp__demo__echo {"text":"${APPROVED}"}`,
      'decided:accepted:user',
    ]);

    // Rejected: a second run in the same window; the person says no, the model reads why, the server gets nothing.
    await orchestrateGoal(workbench, goalOf(REJECTED));
    const second = await waitForToast(
      workbench,
      new RegExp(`Task ${REJECTED} wants to call the MCP tool "echo" of server "demo"`),
      90_000,
    );
    const secondRun = await waitForNewRun(session, [firstRun]);
    await workbench.screenshot('second call waits for approval');
    // Reject with Reason…: the person's words reach the model, quoted as theirs.
    await clickToastButton(second, 'Reject with Reason…');
    const reason = workbench.quickInput();
    await workbench
      .quickInputWidget()
      .locator('.quick-input-title', { hasText: 'Reject the call of the MCP tool "echo" of server "demo"' })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await reason.pressSequentially('Not at midnight, please', { delay: 5 });
    await workbench.screenshot('reject reason for the call');
    await reason.press('Enter');
    assert.equal(await waitForCompletion(session, secondRun), 'succeeded');
    await workbench.screenshot('rejected call refused');
    const rejectedTask = requestsOfTask(server.requests, REJECTED);
    const told = rejectedTask.flatMap(toolResultsOf);
    assert.ok(
      told.some((text) =>
        /^(Error: )?mcp__demo__echo was not approved \(rejected by the user, who wrote: "Not at midnight, please"\); it was not called\./.test(
          text,
        ),
      ),
      `the model was told the call was refused, with the person's words: ${JSON.stringify(told)}`,
    );
    assert.deepEqual(demoMcpCalls(callsFile), [APPROVED], 'the rejected call never reached the server');
    assert.deepEqual(approvalsOf(session, secondRun), [
      `requested:command:mcp__demo__echo {"text":"${REJECTED}"}`,
      'decided:rejected:user',
    ]);
    assert.equal(storedRunIds(session).length, 2);
  });
});
