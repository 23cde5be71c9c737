import { strict as assert } from 'node:assert';
import { request as httpRequest } from 'node:http';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { ChatRequest } from '../../../src/core/llm/chatModel';
import { validatePlan } from '../../../src/core/plan/validatePlan';
import { DemoModelServer } from '../../../src/demo/demoModelServer';
import { DEMO_LABEL, demoPlan, slugOf } from '../../../src/demo/demoScript';

const signal = (): AbortSignal => new AbortController().signal;

/** A raw HTTP call, for what the SDK would never send (foreign Host or Origin, no token). */
function rawPost(
  port: number,
  headers: Record<string, string>,
  body = '{"messages":[]}',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const plannerRequest = (goal: string): ChatRequest => ({
  system: 'planner',
  messages: [
    { role: 'user', content: `Goal: ${goal}\n\nAvailable agents:\n- coder: writes code (capabilities: code)` },
  ],
  responseFormat: { type: 'json_schema', name: 'plan', schema: { type: 'object' }, strict: false },
  maxOutputTokens: 1000,
});

const brief =
  'Task plan: Outline an approach (demo)\n\n(demo) Write it.\n\nYou may change: notes/add-jwt-plan.md\n\nUse the tools.';
const agentTools = [
  { name: 'propose_edit', description: 'edit', parameters: { type: 'object' } },
  { name: 'finish_task', description: 'finish', parameters: { type: 'object' } },
];

describe('DemoModelServer (offline demo model)', () => {
  let server: DemoModelServer;
  let model: OpenAiChatModel;
  let port: number;

  before(async () => {
    server = await DemoModelServer.start({ editDelayMs: 5, answerDelayMs: 1, chunkDelayMs: 0 });
    model = new OpenAiChatModel({
      model: server.model,
      apiKey: server.token,
      baseURL: server.baseUrl,
      provider: 'demo',
    });
    port = Number(new URL(server.baseUrl).port);
  });
  after(() => server.close());

  it('binds to loopback and answers the planner with a valid three-task plan derived from the goal', async () => {
    assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const response = await model.complete(plannerRequest('Add JWT auth to the API'), { signal: signal() });
    assert.ok(response.text.includes(DEMO_LABEL));
    const plan = JSON.parse(response.text) as unknown;
    const v = validatePlan(plan, { maxTasks: 200, knownCapabilities: new Set(['code']) });
    assert.ok(v.ok, JSON.stringify(v));
    assert.deepEqual(
      v.plan.tasks.map((t) => [t.id, t.dependencies, t.writes]),
      [
        ['plan', [], ['notes/add-jwt-auth-to-the-api-plan.md']],
        ['checklist', [], ['notes/add-jwt-auth-to-the-api-checklist.md']],
        ['summary', ['plan', 'checklist'], ['notes/add-jwt-auth-to-the-api-summary.md']],
      ],
    );
    for (const task of v.plan.tasks) {
      assert.deepEqual(task.requiredCapabilities, ['code']);
      assert.match(`${task.title} ${task.description}`, /\(demo\)/);
    }
  });

  it('answers a submit_plan tool offer with a tool call carrying the same plan', async () => {
    const response = await model.complete(
      {
        ...plannerRequest('Write docs'),
        responseFormat: undefined,
        tools: [{ name: 'submit_plan', description: 'plan', parameters: { type: 'object' } }],
      },
      { signal: signal() },
    );
    assert.equal(response.toolCalls[0]?.name, 'submit_plan');
    assert.ok(validatePlan(response.toolCalls[0]?.arguments, { maxTasks: 10 }).ok);
    assert.ok(response.text.startsWith(DEMO_LABEL));
  });

  it('proposes a labelled Markdown edit on an agent first turn, then finishes after the tool result', async () => {
    const first = await model.complete(
      { messages: [{ role: 'user', content: brief }], tools: agentTools, toolChoice: 'auto', maxOutputTokens: 500 },
      { signal: signal() },
    );
    assert.ok(first.text.startsWith(DEMO_LABEL));
    assert.equal(first.stopReason, 'tool_use');
    const edit = first.toolCalls[0];
    assert.equal(edit?.name, 'propose_edit');
    const args = edit?.arguments as { path: string; content: string };
    assert.equal(args.path, 'notes/add-jwt-plan.md');
    assert.match(args.content, /offline demo model/);
    assert.match(args.content, /not a real language model/);

    const second = await model.complete(
      {
        messages: [
          { role: 'user', content: brief },
          { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
          { role: 'tool', toolCallId: edit!.id, content: 'Edit applied to notes/add-jwt-plan.md.' },
        ],
        tools: agentTools,
        maxOutputTokens: 500,
      },
      { signal: signal() },
    );
    assert.equal(second.toolCalls[0]?.name, 'finish_task');
    assert.match(
      String((second.toolCalls[0]?.arguments as { summary: string }).summary),
      /^\[offline demo model\] Proposed notes\/add-jwt-plan\.md/,
    );
  });

  it('streams the usage chunk, so usage is reported, not estimated', async () => {
    const response = await model.complete(
      { messages: [{ role: 'user', content: brief }], tools: agentTools, maxOutputTokens: 500 },
      { signal: signal() },
    );
    assert.ok(response.usage.inputTokens > 0 && response.usage.outputTokens > 0);
    assert.notEqual(response.usage.estimated, true);
  });

  it('refuses a request without the token, with a wrong token, or with a wrong token of the right length', async () => {
    const wrong = new OpenAiChatModel({ model: server.model, apiKey: 'not-the-token', baseURL: server.baseUrl });
    await assert.rejects(wrong.complete(plannerRequest('x'), { signal: signal() }), /401|key|token/i);
    assert.equal((await rawPost(port, { host: `127.0.0.1:${port}` })).status, 401);
    const sameLength = server.token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'));
    assert.equal(
      (await rawPost(port, { host: `127.0.0.1:${port}`, authorization: `Bearer ${sameLength}` })).status,
      401,
    );
  });

  it('rejects a foreign Origin and a foreign Host even with the right token', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    const origin = await rawPost(port, { ...auth, host: `127.0.0.1:${port}`, origin: 'https://evil.example' });
    assert.equal(origin.status, 403);
    assert.match(origin.body, /Origin https:\/\/evil\.example is not allowed/);
    const host = await rawPost(port, { ...auth, host: `evil.example:${port}` });
    assert.equal(host.status, 403);
    const ok = await rawPost(
      port,
      { ...auth, host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` },
      JSON.stringify({ messages: [{ role: 'user', content: brief }] }),
    );
    assert.equal(ok.status, 200);
    assert.match(ok.body, /offline demo model/);
  });

  it('answers a malformed body with a 400 that names the demo', async () => {
    const res = await rawPost(port, { host: `127.0.0.1:${port}`, authorization: `Bearer ${server.token}` }, 'not json');
    assert.equal(res.status, 400);
    assert.ok(res.body.includes(DEMO_LABEL));
  });
});

describe('demo plan', () => {
  it('makes file-safe slugs of any goal', () => {
    assert.equal(slugOf('Add JWT auth to the API and tests for it'), 'add-jwt-auth-to-the-api-and-tests-for-it');
    assert.equal(slugOf('../../etc/passwd'), 'etc-passwd');
    assert.equal(slugOf('!!!'), 'goal');
    assert.ok(slugOf('word '.repeat(40)).length <= 40);
  });

  it('stays valid for awkward goals', () => {
    for (const goal of ['', '"quoted" goal', 'ünïcödé 目標', 'x'.repeat(500)]) {
      assert.ok(validatePlan(demoPlan(goal), { maxTasks: 3 }).ok, goal);
    }
  });
});
