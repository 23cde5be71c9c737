import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CustomAgentSpec } from '../../../src/core/agents/customAgentFile';
import {
  loadConventionAgents,
  parseConventionAgentFile,
  type ConventionAgentParseResult,
} from '../../../src/core/agents/conventionAgentFile';
import type { AgentFileConvention } from '../../../src/core/agents/conventionAgentMapping';
import { builtinTools } from '../../../src/core/tools/builtinTools';

/** Our tool names, as the engine's tool bus lists them. */
const TOOLS = builtinTools().map((t) => t.name);
const GRANTED = ['finish_task', 'context_get', 'context_set', 'send_message', 'read_messages'];

function parse(convention: AgentFileConvention, file: string, text: string): ConventionAgentParseResult {
  const dir = convention === 'github' ? '.github/agents' : '.claude/agents';
  return parseConventionAgentFile(convention, `${dir}/${file}`, `/ws/${dir}/${file}`, text, TOOLS);
}

function ok(r: ConventionAgentParseResult): { agent: CustomAgentSpec; warnings: string[] } {
  if (!r.ok) assert.fail(r.error);
  return r;
}

function error(r: ConventionAgentParseResult): string {
  if (r.ok) assert.fail(`expected an error, got agent ${r.agent.definition.id}`);
  return r.error;
}

describe('parseConventionAgentFile: GitHub Copilot custom agents', () => {
  it('maps name, description, tools and body; a display-name model and unknown fields are warnings with lines', () => {
    const { agent, warnings } = ok(
      parse(
        'github',
        'reviewer.agent.md',
        [
          '---',
          'name: Security Reviewer',
          'description: Reviews changes for security problems',
          "tools: ['read', 'search', 'githubRepo', 'github/*']",
          'model: Claude Sonnet 4.5 (copilot)',
          'target: vscode',
          'handoffs: []',
          '---',
          'You review code for injection and secrets.',
          '',
        ].join('\n'),
      ),
    );
    assert.equal(agent.definition.id, 'Security-Reviewer');
    assert.equal(agent.definition.description, 'Reviews changes for security problems');
    assert.deepEqual(agent.definition.capabilities, ['review']);
    assert.deepEqual([...agent.definition.tools].sort(), ['list_files', 'read_file', 'search_text', ...GRANTED].sort());
    assert.deepEqual(agent.definition.preferredModels, []);
    assert.equal(agent.systemPrompt, 'You review code for injection and secrets.');
    assert.equal(agent.sourceFile, '/ws/.github/agents/reviewer.agent.md');
    const text = warnings.join('\n');
    assert.match(text, /reviewer\.agent\.md: line 6: field "target" is ignored/);
    assert.match(text, /reviewer\.agent\.md: line 7: field "handoffs" is ignored/);
    assert.match(text, /line 4: tools "githubRepo", "github\/\*" ignored: no tool of ours matches/);
    assert.match(text, /line 5: model "Claude Sonnet 4\.5 \(copilot\)" is ignored \(write "provider\/model"/);
    assert.match(text, /line 2: name "Security Reviewer" is used as the agent id "Security-Reviewer"/);
  });

  it('without frontmatter, the file name is the id and every tool is granted', () => {
    const { agent, warnings } = ok(parse('github', 'docs-writer.agent.md', 'You write documentation.\n'));
    assert.equal(agent.definition.id, 'docs-writer');
    assert.deepEqual(agent.definition.capabilities, ['docs']);
    assert.deepEqual(agent.definition.tools, TOOLS);
    assert.deepEqual(warnings, []);
  });

  it('line numbers come from the frontmatter only, never from a body line that looks like a field', () => {
    const { agent, warnings } = ok(
      parse('github', 'My Agent.agent.md', '---\ndescription: d\nextra: 1\n---\nname: not a field\nextra: no\n'),
    );
    assert.equal(agent.definition.id, 'My-Agent');
    assert.deepEqual(warnings, [
      '.github/agents/My Agent.agent.md: line 3: field "extra" is ignored (we use name, description, tools, model, capabilities)',
      '.github/agents/My Agent.agent.md: name "My Agent" is used as the agent id "My-Agent"',
    ]);
  });

  it('namespaced VS Code tool names map by their namespace; a provider/model reference is kept', () => {
    const { agent } = ok(
      parse(
        'github',
        'impl.agent.md',
        '---\nname: implementer\ntools: [edit/editFiles, runCommands]\nmodel: openai/gpt-4o\n---\nImplement.\n',
      ),
    );
    assert.deepEqual(agent.definition.capabilities, ['code']);
    assert.deepEqual(
      [...agent.definition.tools].sort(),
      ['propose_edit', 'run_command', 'run_verification', ...GRANTED].sort(),
    );
    assert.deepEqual(agent.definition.preferredModels, ['openai/gpt-4o']);
  });
});

describe('parseConventionAgentFile: Claude Code subagents', () => {
  it('reads tools as a comma-separated string and maps the model alias', () => {
    const { agent, warnings } = ok(
      parse(
        'claude',
        'test-runner.md',
        [
          '---',
          'name: test-runner',
          'description: Use proactively to run tests and fix failures',
          'tools: Read, Edit, Bash, Grep, Glob, WebFetch',
          'model: sonnet',
          'color: green',
          '---',
          'You are a test automation expert.',
        ].join('\n'),
      ),
    );
    assert.equal(agent.definition.id, 'test-runner');
    assert.deepEqual(agent.definition.capabilities, ['test']);
    assert.deepEqual(
      [...agent.definition.tools].sort(),
      ['read_file', 'propose_edit', 'run_command', 'run_verification', 'search_text', 'list_files', ...GRANTED].sort(),
    );
    assert.deepEqual(agent.definition.preferredModels, ['anthropic/claude-sonnet-5']);
    assert.match(warnings.join('\n'), /test-runner\.md: line 4: tool "WebFetch" ignored/);
    assert.match(warnings.join('\n'), /test-runner\.md: line 6: field "color" is ignored/);
  });

  it('"inherit" means the run\'s model, without a warning', () => {
    const { agent, warnings } = ok(parse('claude', 'x.md', '---\nname: x\nmodel: inherit\n---\nDo it.\n'));
    assert.deepEqual(agent.definition.preferredModels, []);
    assert.deepEqual(warnings, []);
  });

  it('capabilities: the name first, then the description; editing ones need an edit tool; else the id', () => {
    const caps = (front: string): string[] =>
      ok(parse('claude', 'a.md', `---\n${front}\n---\nBody.\n`)).agent.definition.capabilities;
    assert.deepEqual(caps('name: code-reviewer\ndescription: Expert code review'), ['review', 'code']);
    assert.deepEqual(caps('name: helper\ndescription: Investigate and explore the codebase'), ['research']);
    assert.deepEqual(caps('name: coder\ntools: Read, Grep'), ['coder'], 'code needs an edit tool');
    assert.deepEqual(caps('name: translator\ndescription: Translates files'), ['translator']);
    assert.deepEqual(caps('name: a\ncapabilities: [security, review]'), ['security', 'review']);
  });

  it('bad frontmatter is an error naming the file and the line; so are wrong types and an empty body', () => {
    assert.match(
      error(parse('claude', 'bad.md', '---\nname: bad\ntools: [Read\n---\nBody\n')),
      /^\.claude\/agents\/bad\.md: line \d+: invalid YAML in the frontmatter/,
    );
    assert.match(
      error(parse('claude', 'dup.md', '---\nname: a\nname: b\n---\nBody\n')),
      /dup\.md: line 3: field "name" appears more than once/,
    );
    assert.match(
      error(parse('claude', 'n.md', '---\nname: [1, 2]\n---\nBody\n')),
      /n\.md: line 2: field "name": expected a string/,
    );
    assert.match(
      error(parse('claude', 't.md', '---\nname: t\ntools: 3\n---\nBody\n')),
      /field "tools": expected a list/,
    );
    assert.match(error(parse('claude', 'e.md', '---\nname: e\n---\n\n')), /e\.md: the body is empty/);
    assert.match(error(parse('claude', 'id.md', '---\nname: "!!!"\n---\nBody\n')), /field "name": an agent id uses/);
  });
});

describe('loadConventionAgents: a real folder', () => {
  let root: string;
  beforeEach(async () => (root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'ao-conv-')))));
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  async function write(rel: string, text: string): Promise<void> {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  }

  it('reads only *.agent.md in .github/agents; a bad file or a link is skipped and the others load', async () => {
    await write('.github/agents/good.agent.md', '---\nname: good\n---\nGood.\n');
    await write('.github/agents/notes.md', 'not an agent');
    await write('.github/agents/broken.agent.md', '---\nname: [\n---\nBody\n');
    await write('secret.txt', 'SECRET');
    await fs.symlink(path.join(root, 'secret.txt'), path.join(root, '.github/agents/link.agent.md'));
    const loaded = await loadConventionAgents(root, 'github', TOOLS);
    assert.deepEqual(
      loaded.agents.map((a) => a.definition.id),
      ['good'],
    );
    assert.equal(loaded.agents[0]!.sourceFile, path.join(root, '.github', 'agents', 'good.agent.md'));
    assert.match(loaded.errors.join('\n'), /\.github\/agents\/broken\.agent\.md: line 2: invalid YAML/);
    assert.match(loaded.errors.join('\n'), /\.github\/agents\/link\.agent\.md: is a symbolic link/);
    assert.equal(loaded.errors.length, 2);
  });

  it('two files with one name in a folder: neither loads, and the error says so', async () => {
    await write('.claude/agents/a.md', '---\nname: same\n---\nA.\n');
    await write('.claude/agents/b.md', '---\nname: same\n---\nB.\n');
    const loaded = await loadConventionAgents(root, 'claude', TOOLS);
    assert.deepEqual(loaded.agents, []);
    assert.match(
      loaded.errors.join('\n'),
      /\.claude\/agents\/b\.md: agent "same" is also defined in \.claude\/agents\/a\.md/,
    );
  });

  it('a missing folder means no agents and no errors', async () => {
    assert.deepEqual(await loadConventionAgents(root, 'claude', TOOLS), { agents: [], errors: [], warnings: [] });
  });
});
