import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { httpError, jsonReply, textReply, toolCallReply } from '../../support/fakeModelServer/fakeReply';
import {
  cliEnv,
  collect,
  jsonLines,
  readTree,
  runCli,
  spawnCli,
  useSandbox,
  type CliRun,
  useCliBundle,
} from '../../support/cliProcess';

const PLAN = {
  goal: 'Write two greetings',
  tasks: [
    { id: 'hello', title: 'Write hello.txt', requiredCapabilities: ['code'], writes: ['hello.txt'] },
    { id: 'bye', title: 'Write bye.txt', requiredCapabilities: ['code'], writes: ['bye.txt'] },
  ],
};

describe('CLI: run (real child processes against the fake model server)', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  const fakeServer = useFakeModelServer();

  it('run --dry-run --json prints only run events, one per line, starting with run.created; exit 0', async () => {
    const { root, state, ws } = sandbox();
    const server = await fakeServer({ replies: [jsonReply(PLAN)] });
    const r = await runCli(
      [
        'run',
        'Write two greetings',
        '--dry-run',
        '--json',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      cliEnv(root, { OPENAI_API_KEY: server.apiKey }),
    );
    assert.equal(r.code, 0, r.stderr);
    const events = jsonLines(r.stdout);
    const first = events[0]!;
    assert.equal(first.type, 'run.created');
    const runId = first.runId as string;
    assert.match(runId, /^run-/);
    assert.ok(
      events.every((e) => e.runId === runId && typeof e.seq === 'number'),
      'every line is an event of this run',
    );
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
      'every event, in order',
    );
    const ready = events.find((e) => e.type === 'plan.ready') as { plan: { tasks: Array<{ id: string }> } } | undefined;
    assert.deepEqual(
      ready?.plan.tasks.map((t) => t.id),
      ['hello', 'bye'],
    );
    assert.deepEqual(events.at(-1), { ...events.at(-1), type: 'run.completed', status: 'planned' });
    assert.match(r.stderr, new RegExp(`Run ${runId}: dry run, the plan has 2 tasks`), 'the summary goes to stderr');
    assert.ok(existsSync(join(state, 'runs', runId, 'events.jsonl')), 'the run is stored under --state-dir');
    const settings = JSON.parse(await readFile(join(state, 'cli-runs', `${runId}.json`), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.equal(settings.baseUrl, server.openAiBaseUrl);
    assert.equal(settings.provider, 'openai');
    const body = server.requests[0]?.body as { model: string; messages: Array<{ content: string }> };
    assert.equal(body.model, 'gpt-4o-mini', 'the default model');
    assert.match(JSON.stringify(body.messages), /README\.md/, 'the planner saw the workspace');
  });

  it('run --dry-run prints "Run <id>" alone on stdout and the plan on stderr (anthropic, plan by tool call)', async () => {
    const { root, state, ws } = sandbox();
    await mkdir(join(ws, '.orchestrator', 'agents'), { recursive: true });
    await writeFile(
      join(ws, '.orchestrator', 'agents', 'docs.md'),
      '---\nname: docs-writer\ncapabilities: [docs]\n---\nWrite Markdown docs.\n',
    );
    await writeFile(
      join(ws, '.orchestrator', 'agents', 'broken.md'),
      '---\nname: broken\ncapabilities: [review]\ntools: [delete_everything]\n---\nNo.\n',
    );
    await mkdir(join(ws, '.claude', 'agents'), { recursive: true });
    await writeFile(
      join(ws, '.claude', 'agents', 'translator.md'),
      '---\nname: translator\ndescription: Translates text\ntools: Read, WebSearch\ncolor: red\n---\nTranslate.\n',
    );
    const server = await fakeServer({ replies: [toolCallReply('submit_plan', PLAN)] });
    const r = await runCli(
      [
        'run',
        'Write two greetings',
        '--dry-run',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.baseUrl,
        '--model',
        'claude-haiku-4-5',
      ],
      cliEnv(root, { ANTHROPIC_API_KEY: server.apiKey }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Run run-[\w-]+\n$/);
    assert.match(r.stderr, /Planning \(dry run\) with anthropic\/claude-haiku-4-5 at http:\/\/127\.0\.0\.1:\d+ in /);
    assert.match(r.stderr, /Plan: 2 tasks\n {2}hello: Write hello\.txt \[code\]\n {2}bye: Write bye\.txt \[code\]/);
    assert.match(r.stderr, /not inside a git repository/, 'the checkpoint note is shown');
    assert.match(
      r.stderr,
      /warning: Custom agent skipped: \.orchestrator\/agents\/broken\.md: field "tools": unknown tool "delete_everything"/,
    );
    assert.match(r.stderr, /warning: Agent file: \.claude\/agents\/translator\.md: line 4: tool "WebSearch" ignored/);
    assert.match(r.stderr, /warning: Agent file: \.claude\/agents\/translator\.md: line 5: field "color" is ignored/);
    assert.match(JSON.stringify(server.requests[0]?.body), /translator: Translates text \(capabilities: translator\)/);
    assert.match(
      JSON.stringify(server.requests[0]?.body),
      /docs-writer: no description \(capabilities: docs\)/,
      'the custom agent is offered to the planner',
    );
    assert.equal(server.requests[0]?.api, 'anthropic');
    assert.equal((server.requests[0]?.body as { model: string }).model, 'claude-haiku-4-5');
  });

  it('exits 1 when the planner never produces a valid plan', async () => {
    const { root, state, ws } = sandbox();
    const server = await fakeServer({
      replies: [textReply('no plan'), textReply('still none'), textReply('never')],
    });
    const r = await runCli(
      ['run', 'g', '--dry-run', '--json', '--workspace', ws, '--state-dir', state, '--base-url', server.openAiBaseUrl],
      cliEnv(root, { OPENAI_API_KEY: server.apiKey }),
    );
    assert.equal(r.code, 1, r.stderr);
    const last = jsonLines(r.stdout).at(-1)!;
    assert.equal(last.type, 'run.completed');
    assert.equal(last.status, 'failed');
    assert.match(r.stderr, /failed after .*1 major finding/);
  });

  it('Ctrl+C cancels the run gracefully: the run ends cancelled, exit 1', async () => {
    const { root, state, ws } = sandbox();
    const server = await fakeServer({ replies: [{ fault: 'hang' }] });
    const child = spawnCli(
      ['run', 'g', '--json', '--workspace', ws, '--state-dir', state, '--base-url', server.openAiBaseUrl],
      cliEnv(root, { OPENAI_API_KEY: server.apiKey }),
    );
    child.stdin?.end();
    const finished = collect(child);
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stdout?.on('data', (d: Buffer) => {
        seen += d.toString();
        if (seen.includes('"run.phase"')) resolve();
      });
    });
    // The planner's request is in flight at the fake server now, and it is never answered: a CLI that
    // waited for it would never end, and mocha's timeout fails the test without a clock assert.
    child.kill('SIGINT');
    const r = await finished;
    assert.equal(r.code, 1, r.stderr);
    const events = jsonLines(r.stdout);
    assert.deepEqual(events.at(-1), { ...events.at(-1), type: 'run.completed', status: 'cancelled' });
    assert.match(r.stderr, /Cancelling the run/);
    assert.match(r.stderr, /was cancelled .*\nResume with: agent-orchestrator resume run-[\w-]+ --state-dir /);
  });

  it('never prints the API key or stores it under the state folder', async () => {
    const { root, state, ws } = sandbox();
    const server = await fakeServer({
      replies: [jsonReply(PLAN), jsonReply(PLAN), httpError(401, { message: 'Incorrect API key provided.' })],
    });
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const base = ['--workspace', ws, '--state-dir', state, '--base-url', server.openAiBaseUrl];
    const outputs: CliRun[] = [];
    outputs.push(await runCli(['run', 'g', '--dry-run', '--json', ...base], env));
    const runId = jsonLines(outputs[0]!.stdout)[0]!.runId as string;
    outputs.push(await runCli(['run', 'g', '--dry-run', ...base], env));
    const rejected = await runCli(['run', 'g', '--dry-run', ...base], env);
    assert.equal(rejected.code, 1, 'the rejected key fails the run');
    assert.match(rejected.stderr, /OPENAI_API_KEY/, 'the message names the variable to fix');
    outputs.push(rejected);
    for (const args of [
      ['list'],
      ['list', '--json'],
      ['show', runId],
      ['show', runId, '--json'],
      ['show', runId, '--markdown'],
    ]) {
      outputs.push(await runCli([...args, '--state-dir', state], env));
    }
    assert.ok(server.requests.length >= 3, 'the key was really used');
    for (const o of outputs) {
      assert.ok(!o.stdout.includes(server.apiKey), `key on stdout: ${o.stdout}`);
      assert.ok(!o.stderr.includes(server.apiKey), `key on stderr: ${o.stderr}`);
    }
    const files = await readTree(state);
    assert.ok(files.length > 5, 'runs, snapshots and settings were written');
    for (const f of files) assert.ok(!f.content.includes(server.apiKey), `key in ${f.path}`);
  });
});
