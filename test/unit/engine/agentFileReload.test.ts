import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { fsAgentFileWatcher } from '../../../src/core/agents/agentFileWatcher';
import { assembleEngine, type Engine } from '../../../src/core/engine/assembleEngine';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { PolicyRule } from '../../../src/core/policy/policyRules';
import type { ApprovalPort } from '../../../src/core/tools/approvalPort';
import { engineSettingsOf } from '../../../src/host/settings/engineSettingsOf';
import { DEFAULT_HOST_SETTINGS } from '../../../src/host/settings/hostSettingsSchema';
import type { FakeModelServer, RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { scriptedTeam, taskOfRequest, type ScriptedTask } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';

const autoApprove: ApprovalPort = {
  decideEdit: async (p) => (p.protected ? { decision: 'rejected', by: 'auto' } : { decision: 'accepted', by: 'auto' }),
};

/** The system prompt and the brief of a task's first request (OpenAI wire format). */
function promptsOf(requests: readonly RecordedRequest[], taskId: string): { system: string; brief: string } {
  const request = requests.find((r) => taskOfRequest(r) === taskId);
  assert.ok(request, `a request for task ${taskId}`);
  const messages = (request.body as { messages: Array<{ role: string; content: string }> }).messages;
  return {
    system: messages.find((m) => m.role === 'system')?.content ?? '',
    brief: messages.find((m) => m.role === 'user')?.content ?? '',
  };
}

describe('engine: agent files from three conventions, reloaded between tasks, and project instructions in briefs', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  let engine: Engine | undefined;
  const warnings: string[] = [];
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-reload-')));
    ws = join(dir, 'ws');
    await mkdir(ws);
    warnings.length = 0;
  });
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function write(rel: string, text: string): Promise<void> {
    await mkdir(dirname(join(ws, rel)), { recursive: true });
    await writeFile(join(ws, rel), text);
  }

  /** An engine as the host builds it, on the fake OpenAI server, with `fs.watch` as its agent-file watcher. */
  async function start(tasks: ScriptedTask[], policyRules: PolicyRule[] = []): Promise<Engine> {
    const fake = await startServer({ respond: scriptedTeam('Do the work', tasks) });
    server = fake;
    engine = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: autoApprove,
      keys: { get: async (p) => (p === 'openai' ? fake.apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: engineSettingsOf({
        ...DEFAULT_HOST_SETTINGS,
        provider: 'openai',
        model: 'gpt-test',
        baseUrl: fake.openAiBaseUrl,
        policy: { rules: policyRules },
      }),
      services: testEngineServices(dir),
      providers: BUILTIN_PROVIDERS,
      agentFileWatcher: fsAgentFileWatcher(ws),
      warn: (m) => warnings.push(m),
    });
    return engine;
  }

  /** Resolves once the registry satisfies `done`; the watcher's fs events are what make it so. */
  function registryWhere(e: Engine, done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (done()) return resolve();
      const sub = e.registry.onDidChange(() => {
        if (!done()) return;
        sub.dispose();
        resolve();
      });
    });
  }

  it('runs tasks on a Claude Code subagent and a GitHub custom agent, with AGENTS.md and applyTo instructions in the brief', async () => {
    await write(
      '.claude/agents/translator.md',
      '---\nname: translator\ndescription: Translates files\ntools: Read, Write\nmodel: inherit\n---\nYou translate text into French.\n',
    );
    await write(
      '.github/agents/notes.agent.md',
      "---\nname: release-notes\ntools: ['edit', 'search']\ntarget: vscode\n---\nYou write release notes.\n",
    );
    await write(
      '.github/agents/reviewer.agent.md',
      '---\ndescription: Reviews for security\n---\nA security reviewer.\n',
    );
    await write('AGENTS.md', 'Root rule: keep lines short.');
    await write('src/AGENTS.md', 'Src rule: British spelling.');
    await write(
      '.github/instructions/txt.instructions.md',
      '---\napplyTo: "src/**/*.txt"\n---\nTxt rule: end with a newline.\n',
    );
    const e = await start([
      { id: 'fr', title: 'Translate', requiredCapabilities: ['translator'], writes: ['src/fr.txt'] },
      { id: 'notes', title: 'Notes', requiredCapabilities: ['release-notes'], writes: ['notes.txt'] },
      { id: 'rev', title: 'Review', requiredCapabilities: ['review'], writes: ['rev.txt'] },
    ]);
    assert.equal(e.agentFiles.get('translator'), join(ws, '.claude', 'agents', 'translator.md'));
    assert.equal(e.agentFiles.get('release-notes'), join(ws, '.github', 'agents', 'notes.agent.md'));
    assert.match(warnings.join('\n'), /notes\.agent\.md: line 4: field "target" is ignored/);
    assert.match(
      warnings.join('\n'),
      /Agent file \.github\/agents\/reviewer\.agent\.md replaces the built-in agent "reviewer"/,
    );
    assert.equal(e.agentFiles.get('reviewer'), join(ws, '.github', 'agents', 'reviewer.agent.md'));
    const result = await e.orchestrator.start({ goal: 'Do the work' }).done;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    assert.equal(result.state.tasks['fr']?.agentId, 'translator');

    const fr = promptsOf(server!.requests, 'fr');
    assert.equal(fr.system, 'You translate text into French.');
    const marker = fr.brief.indexOf('Project instructions (provided by files in this workspace');
    assert.ok(marker > 0, fr.brief);
    const order = ['Src rule: British spelling.', 'Root rule: keep lines short.', 'Txt rule: end with a newline.'];
    const at = order.map((t) => fr.brief.indexOf(t));
    assert.ok(at[0]! > marker && at[0]! < at[1]! && at[1]! < at[2]!, fr.brief);

    assert.equal(
      promptsOf(server!.requests, 'rev').system,
      'A security reviewer.',
      'the file reviewer took the review',
    );
    const notes = promptsOf(server!.requests, 'notes');
    assert.equal(notes.system, 'You write release notes.');
    assert.match(notes.brief, /Root rule: keep lines short\./);
    assert.doesNotMatch(notes.brief, /Src rule|Txt rule/, 'only what applies to notes.txt');
  });

  it("the engine's read policy decides which instruction files reach a brief: a denied AGENTS.md is left out with a warning", async () => {
    await write('AGENTS.md', 'Root rule: keep lines short.');
    await write('private/AGENTS.md', 'Private rule: never shown to a model.');
    const e = await start(
      [{ id: 'hid', title: 'Private work', writes: ['private/notes.txt'] }],
      [{ effect: 'deny', path: 'private/**', reason: 'private folder' }],
    );
    const result = await e.orchestrator.start({ goal: 'Do the work' }).done;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    const { brief } = promptsOf(server!.requests, 'hid');
    assert.match(brief, /Root rule: keep lines short\./, 'the allowed AGENTS.md reached the brief');
    assert.doesNotMatch(brief, /Private rule/, 'the denied AGENTS.md did not');
    assert.match(
      warnings.join('\n'),
      /Project instructions: private\/AGENTS\.md: the read policy does not allow reading it; it is not used/,
    );
  });

  it('a file created, broken and deleted while the engine lives changes the agents for the next task, without a restart', async () => {
    const e = await start([{ id: 'fr', title: 'Translate', requiredCapabilities: ['translator'], writes: ['fr.txt'] }]);
    assert.equal(e.registry.get('translator'), undefined);

    await write('.claude/agents/translator.md', '---\nname: translator\n---\nVersion one.\n');
    await registryWhere(e, () => e.registry.get('translator') !== undefined);
    assert.equal(e.agentFiles.get('translator'), join(ws, '.claude', 'agents', 'translator.md'));

    // An invalid edit: the agent it defined goes, with a warning naming the file and line; others stay.
    await write('.github/agents/keep.agent.md', '---\nname: keeper\n---\nKeep.\n');
    await registryWhere(e, () => e.registry.get('keeper') !== undefined);
    await write('.claude/agents/translator.md', '---\nname: translator\ntools: [Read\n---\nBroken.\n');
    // Wait for the reload that read the whole file (an event can come between truncating and writing it).
    await registryWhere(e, () => e.registry.get('translator') === undefined && /invalid YAML/.test(warnings.join()));
    assert.ok(e.registry.get('keeper'), 'a bad file never stops the others');
    assert.match(warnings.join('\n'), /Agent file skipped: \.claude\/agents\/translator\.md: line 3: invalid YAML/);

    await write('.claude/agents/translator.md', '---\nname: translator\n---\nVersion two.\n');
    await registryWhere(e, () => e.registry.get('translator') !== undefined);
    const result = await e.orchestrator.start({ goal: 'Do the work' }).done;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    assert.equal(promptsOf(server!.requests, 'fr').system, 'Version two.');

    await write('.claude/agents/coder.md', '---\nname: coder\n---\nOur coder.\n');
    await registryWhere(e, () => e.agentFiles.has('coder'));
    assert.deepEqual(
      e.registry.get('coder')?.definition.capabilities,
      ['code'],
      'the file replaced the built-in coder',
    );
    await unlink(join(ws, '.github', 'agents', 'keep.agent.md'));
    await unlink(join(ws, '.claude', 'agents', 'coder.md'));
    await registryWhere(e, () => e.registry.get('keeper') === undefined && !e.agentFiles.has('coder'));
    assert.equal(e.agentFiles.has('keeper'), false);
    assert.deepEqual(
      e.registry.get('coder')?.definition.capabilities,
      ['code', 'refactor', 'docs'],
      'the built-in is back',
    );
    assert.ok(e.registry.get('coder'), 'built-in agents are never swapped out');
  });
});
