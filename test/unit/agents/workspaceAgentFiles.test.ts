import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadWorkspaceAgents } from '../../../src/core/agents/workspaceAgentFiles';

const TOOLS = ['read_file', 'list_files', 'search_text', 'propose_edit', 'finish_task'];

describe('loadWorkspaceAgents: our folder, .github/agents and .claude/agents together', () => {
  let root: string;
  beforeEach(async () => (root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'ao-wsagents-')))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  async function write(rel: string, text: string): Promise<void> {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  }

  it('one id in three sources: ours wins over .github, which wins over .claude, each loser with a warning', async () => {
    await write('.orchestrator/agents/dup.md', '---\nname: dup\ncapabilities: [docs]\n---\nOurs.\n');
    await write('.github/agents/dup.agent.md', '---\nname: dup\n---\nGitHub.\n');
    await write('.claude/agents/dup.md', '---\nname: dup\n---\nClaude.\n');
    await write('.github/agents/gh.agent.md', '---\nname: shared\n---\nGitHub shared.\n');
    await write('.claude/agents/shared.md', '---\nname: shared\n---\nClaude shared.\n');
    const { agents, warnings } = await loadWorkspaceAgents(root, TOOLS);
    assert.deepEqual(
      agents.map((a) => [a.definition.id, a.systemPrompt]),
      [
        ['dup', 'Ours.'],
        ['shared', 'GitHub shared.'],
      ],
    );
    assert.equal(agents[1]!.sourceFile, path.join(root, '.github', 'agents', 'gh.agent.md'), 'the real source path');
    const text = warnings.join('\n');
    assert.match(
      text,
      /Agent file skipped: \.github\/agents\/dup\.agent\.md: agent "dup" is already defined in \.orchestrator\/agents\/dup\.md, which takes precedence \(\.orchestrator\/agents > \.github\/agents > \.claude\/agents\)/,
    );
    assert.match(
      text,
      /Agent file skipped: \.claude\/agents\/dup\.md: agent "dup" is already defined in \.orchestrator/,
    );
    assert.match(
      text,
      /Agent file skipped: \.claude\/agents\/shared\.md: agent "shared" is already defined in \.github\/agents\/gh\.agent\.md/,
    );
    assert.equal(warnings.length, 3, text);
  });

  it('a bad file in each source never stops the good ones; every warning names its file', async () => {
    await write('.orchestrator/agents/bad.md', 'no frontmatter\n');
    await write('.orchestrator/agents/ok.md', '---\nname: ok\ncapabilities: [docs]\n---\nOk.\n');
    await write('.github/agents/bad.agent.md', '---\nname: "unclosed\n---\nBody\n');
    await write('.github/agents/gh.agent.md', '---\nname: gh\nmystery: 1\n---\nGh.\n');
    await write('.claude/agents/bad.md', '---\nname: bad\ntools: {a: 1}\n---\nBody\n');
    await write('.claude/agents/cl.md', '---\nname: cl\n---\nCl.\n');
    const { agents, warnings } = await loadWorkspaceAgents(root, TOOLS);
    assert.deepEqual(agents.map((a) => a.definition.id).sort(), ['cl', 'gh', 'ok']);
    const text = warnings.join('\n');
    assert.match(text, /Custom agent skipped: \.orchestrator\/agents\/bad\.md: missing frontmatter/);
    assert.match(text, /Agent file skipped: \.github\/agents\/bad\.agent\.md: line \d+: invalid YAML/);
    assert.match(text, /Agent file skipped: \.claude\/agents\/bad\.md: line 3: field "tools": expected a list/);
    assert.match(text, /Agent file: \.github\/agents\/gh\.agent\.md: line 3: field "mystery" is ignored/);
  });
});
