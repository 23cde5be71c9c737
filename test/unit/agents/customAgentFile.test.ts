import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  loadCustomAgents,
  MAX_CUSTOM_AGENT_FILE_BYTES,
  parseCustomAgentFile,
  type CustomAgentParseResult,
  type CustomAgentSpec,
} from '../../../src/core/agents/customAgentFile';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'agents');
const TOOLS = ['read_file', 'list_files', 'search_text'];
const ALLOWED =
  'allowed fields: name, description, capabilities, synonyms, tools, model, maxConcurrent, priority, temperature';

function fixture(kind: 'valid' | 'invalid', name: string): string {
  return readFileSync(path.join(FIXTURES, kind, name), 'utf8');
}

function parseFixture(kind: 'valid' | 'invalid', name: string): CustomAgentParseResult {
  return parseCustomAgentFile(`.orchestrator/agents/${name}`, fixture(kind, name), { knownTools: TOOLS });
}

function agentOf(r: CustomAgentParseResult): CustomAgentSpec {
  if (!r.ok) assert.fail(r.error);
  return r.agent;
}

function errorOf(r: CustomAgentParseResult): string {
  if (r.ok) assert.fail(`expected an error, got agent ${r.agent.definition.id}`);
  return r.error;
}

/** A small agent file built in the test, so each case shows only what matters to it. */
function agentFile(front: string, body = 'Do the work.'): string {
  return `---\n${front}\n---\n${body}\n`;
}

describe('parseCustomAgentFile', () => {
  it('maps every frontmatter field onto the agent definition', () => {
    const agent = agentOf(parseFixture('valid', 'reviewer.md'));
    assert.deepEqual(agent.definition, {
      id: 'reviewer',
      description: 'Reviews a change for bugs, security problems and missing tests.',
      capabilities: ['review', 'security'],
      synonyms: ['code_review', 'security_audit'],
      tools: ['read_file', 'search_text'],
      preferredModels: ['anthropic/claude-sonnet-4'],
      maxLoad: 2,
      priority: 70,
    });
    assert.match(agent.systemPrompt, /^# Reviewer\n\nYou review the edits of a task\./);
    assert.match(agent.systemPrompt, /Never edit files yourself\.$/);
    assert.equal(agent.sourceFile, '.orchestrator/agents/reviewer.md');
  });

  it('takes a temperature from 0 to 2, and refuses anything else saying what to write', () => {
    const warm = agentOf(parseCustomAgentFile('w.md', agentFile('name: w\ncapabilities: [code]\ntemperature: 0.7')));
    assert.equal(warm.definition.temperature, 0.7);
    const plain = agentOf(parseCustomAgentFile('p.md', agentFile('name: p\ncapabilities: [code]')));
    assert.equal(plain.definition.temperature, undefined, 'unset: the agent sends 0');
    for (const bad of ['3', '-1', 'hot'])
      assert.match(
        errorOf(parseCustomAgentFile('b.md', agentFile(`name: b\ncapabilities: [code]\ntemperature: ${bad}`))),
        /^b\.md: field "temperature": expected a number from 0 to 2/,
      );
  });

  it('fills the defaults of a minimal file', () => {
    const agent = agentOf(parseFixture('valid', 'minimal.md'));
    assert.deepEqual(agent.definition, {
      id: 'docs-writer',
      description: '',
      capabilities: ['docs'],
      synonyms: [],
      tools: [],
      preferredModels: [],
      maxLoad: 1,
      priority: 50,
    });
    assert.equal(agent.systemPrompt, 'Write and update Markdown documentation.');
  });

  it('reads a file saved with a BOM and CRLF line ends, and a model name with slashes', () => {
    const agent = agentOf(parseFixture('valid', 'crlf-bom.md'));
    assert.equal(agent.definition.id, 'windows.agent');
    assert.deepEqual(agent.definition.preferredModels, ['openrouter/meta-llama/llama-3-70b']);
    assert.equal(agent.systemPrompt, 'Saved on Windows with a BOM and CRLF line ends.');
  });

  const cases: Array<[file: string, error: string]> = [
    ['no-frontmatter.md', 'missing frontmatter (the file must start with a line "---")'],
    ['unclosed-frontmatter.md', 'the frontmatter is not closed (add a line "---" after the last field)'],
    [
      'bad-yaml.md',
      'line 3: invalid YAML in the frontmatter: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    ['duplicate-key.md', 'line 4: field "name" appears more than once; keep one'],
    ['yaml-tag.md', 'line 3: YAML tags such as "!!js/function" are not allowed in the frontmatter; write plain values'],
    ['alias-bomb.md', 'the frontmatter uses too many YAML aliases (at most 16); write the values out'],
    ['not-a-map.md', 'the frontmatter must be "key: value" fields, one per line'],
    ['missing-name.md', 'field "name": is required; it becomes the agent id'],
    ['bad-name.md', 'field "name": an agent id uses letters, digits, ".", "_" or "-" (at most 64)'],
    ['missing-capabilities.md', 'field "capabilities": is required, e.g. [code, review]'],
    ['capabilities-not-list.md', 'field "capabilities": expected a list of strings, e.g. [code, review]'],
    ['empty-capabilities.md', 'field "capabilities": an agent needs at least one capability'],
    ['bad-model.md', 'field "model": expected "provider/model", e.g. "openai/gpt-4o"'],
    ['bad-max-concurrent.md', 'field "maxConcurrent": expected a whole number from 1 to 256'],
    ['bad-priority.md', 'field "priority": expected a whole number from 0 to 100'],
    [
      'unknown-tool.md',
      'field "tools": unknown tool "delete_everything"; known tools: read_file, list_files, search_text',
    ],
    [
      'empty-body.md',
      'the system prompt is empty; write the agent\'s instructions as Markdown below the closing "---"',
    ],
  ];
  for (const [file, error] of cases) {
    it(`refuses ${file} naming the file and the problem`, () => {
      assert.equal(errorOf(parseFixture('invalid', file)), `.orchestrator/agents/${file}: ${error}`);
    });
  }

  it('names each bad item of a list', () => {
    assert.equal(
      errorOf(parseFixture('invalid', 'capabilities-bad-item.md')),
      [
        '.orchestrator/agents/capabilities-bad-item.md: field "capabilities" item 2: expected a non-empty string',
        '.orchestrator/agents/capabilities-bad-item.md: field "capabilities" item 3: expected a non-empty string',
      ].join('\n'),
    );
  });

  it('lists the allowed keys for an unknown one, with a hint for a near miss', () => {
    const lines = errorOf(parseFixture('invalid', 'unknown-field.md')).split('\n');
    assert.deepEqual(lines, [
      `.orchestrator/agents/unknown-field.md: field "max_concurrent" is not allowed (did you mean "maxConcurrent"?); ${ALLOWED}`,
      `.orchestrator/agents/unknown-field.md: field "top_p" is not allowed; ${ALLOWED}`,
    ]);
  });

  it('reports every problem of a file at once, one line each', () => {
    const lines = errorOf(parseFixture('invalid', 'several-problems.md')).split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines.every((l) => l.startsWith('.orchestrator/agents/several-problems.md: ')));
    assert.match(lines[0] ?? '', /field "capabilities"/);
    assert.match(lines[1] ?? '', /field "priority"/);
    assert.match(lines[2] ?? '', /system prompt is empty/);
  });

  it('reads synonyms as a list of words for the agent, and refuses anything else', () => {
    const ok = agentOf(
      parseCustomAgentFile('s.md', agentFile('name: s\ncapabilities: [deploy]\nsynonyms: [shipping, release]')),
    );
    assert.deepEqual(ok.definition.synonyms, ['shipping', 'release']);
    assert.equal(
      errorOf(parseCustomAgentFile('s.md', agentFile('name: s\ncapabilities: [deploy]\nsynonyms: shipping'))),
      's.md: field "synonyms": expected a list of strings, e.g. [coding, implementation]',
    );
  });

  it('checks tool names only when the known tools are given', () => {
    const text = fixture('invalid', 'unknown-tool.md');
    assert.deepEqual(agentOf(parseCustomAgentFile('a.md', text)).definition.tools, ['read_file', 'delete_everything']);
  });

  it('refuses a file over 256 KB', () => {
    const text = agentFile('name: big\ncapabilities: [code]', 'x'.repeat(MAX_CUSTOM_AGENT_FILE_BYTES));
    assert.equal(
      errorOf(parseCustomAgentFile('big.md', text)),
      'big.md: the file is 257 KB; custom agent files may be at most 256 KB',
    );
  });

  it('treats __proto__ as an unknown key, not as a prototype', () => {
    const r = parseCustomAgentFile('p.md', agentFile('name: p\ncapabilities: [code]\n__proto__: { polluted: true }'));
    assert.match(errorOf(r), /^p\.md: field "__proto__" is not allowed; allowed fields:/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses a list used as a key and a custom tag', () => {
    assert.match(
      errorOf(parseCustomAgentFile('k.md', agentFile('name: k\n? [a, b]\n: 1'))),
      /^k\.md: line 3: a frontmatter key must be a plain name$/,
    );
    assert.match(
      errorOf(parseCustomAgentFile('t.md', agentFile('name: !secret k\ncapabilities: [code]'))),
      /^t\.md: line 2: YAML tags such as "!secret"/,
    );
  });

  it('reads YAML 1.2: yes/no stay strings, a quoted number is not a number', () => {
    const a = agentOf(parseCustomAgentFile('y.md', agentFile('name: y\ncapabilities: [yes, no, on]')));
    assert.deepEqual(a.definition.capabilities, ['yes', 'no', 'on']);
    assert.match(
      errorOf(parseCustomAgentFile('q.md', agentFile('name: q\ncapabilities: [code]\npriority: "5"'))),
      /field "priority": expected a whole number/,
    );
  });
});

describe('loadCustomAgents', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'custom-agents-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function copy(kind: 'valid' | 'invalid', name: string, as = name): Promise<void> {
    await fs.copyFile(path.join(FIXTURES, kind, name), path.join(dir, as));
  }

  it('loads every .md file, ignores other files, and reports bad ones by workspace path', async () => {
    await copy('valid', 'reviewer.md');
    await copy('valid', 'minimal.md');
    await copy('invalid', 'bad-model.md');
    await fs.writeFile(path.join(dir, 'notes.txt'), 'not an agent');
    await fs.writeFile(path.join(dir, 'reviewer.md.bak'), 'not an agent either');
    const { agents, errors } = await loadCustomAgents(dir, { displayDir: '.orchestrator/agents', knownTools: TOOLS });
    assert.deepEqual(
      agents.map((a) => a.definition.id),
      ['docs-writer', 'reviewer'],
    );
    assert.equal(agents[1]?.sourceFile, path.join(dir, 'reviewer.md'));
    assert.deepEqual(errors, [
      '.orchestrator/agents/bad-model.md: field "model": expected "provider/model", e.g. "openai/gpt-4o"',
    ]);
  });

  it('refuses agents with the same name in two files, naming both, and loads neither', async () => {
    await copy('valid', 'reviewer.md', 'a-reviewer.md');
    await copy('valid', 'reviewer.md', 'b-reviewer.md');
    await copy('valid', 'minimal.md');
    const { agents, errors } = await loadCustomAgents(dir, { displayDir: '.orchestrator/agents/' });
    assert.deepEqual(
      agents.map((a) => a.definition.id),
      ['docs-writer'],
    );
    assert.deepEqual(errors, [
      '.orchestrator/agents/b-reviewer.md: field "name": agent "reviewer" is already defined in .orchestrator/agents/a-reviewer.md; rename one of them (neither is loaded)',
    ]);
  });

  it('treats a missing folder as no custom agents', async () => {
    assert.deepEqual(await loadCustomAgents(path.join(dir, 'nope')), { agents: [], errors: [] });
  });

  it('says so when the folder is a file', async () => {
    const file = path.join(dir, 'agents');
    await fs.writeFile(file, '');
    assert.deepEqual(await loadCustomAgents(file, { displayDir: '.orchestrator/agents' }), {
      agents: [],
      errors: ['.orchestrator/agents: is not a folder'],
    });
  });

  it('refuses an oversized file and a file that is not UTF-8', async () => {
    await fs.writeFile(path.join(dir, 'big.md'), Buffer.alloc(MAX_CUSTOM_AGENT_FILE_BYTES + 1, 'a'));
    await fs.writeFile(path.join(dir, 'latin1.md'), Buffer.from('---\nname: caf\xe9\n---\n', 'latin1'));
    const { agents, errors } = await loadCustomAgents(dir);
    assert.deepEqual(agents, []);
    assert.deepEqual(errors, [
      `${dir}/big.md: the file is 257 KB; custom agent files may be at most 256 KB`,
      `${dir}/latin1.md: is not valid UTF-8 text; save it with UTF-8 encoding`,
    ]);
  });

  it('refuses a symbolic link and a folder named like an agent file', async function () {
    if (process.platform === 'win32') this.skip();
    await fs.writeFile(path.join(dir, 'secret.txt'), 'token');
    await fs.symlink(path.join(dir, 'secret.txt'), path.join(dir, 'linked.md'));
    await fs.mkdir(path.join(dir, 'folder.md'));
    const { errors } = await loadCustomAgents(dir, { displayDir: 'agents' });
    assert.deepEqual(errors, [
      'agents/folder.md: is not a regular file',
      'agents/linked.md: is a symbolic link; custom agent files must be regular files',
    ]);
  });
});
