import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  collectProjectInstructions,
  formatProjectInstructions,
  type ProjectInstruction,
} from '../../../src/core/agents/projectInstructions';
import { taskBrief } from '../../../src/core/agents/taskBrief';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import { estimateTokens } from '../../../src/core/llm/tokenEstimate';
import { briefContext } from '../../support/briefBuilders';

describe('project instructions: AGENTS.md and .github/instructions in briefs', () => {
  let base: string;
  let root: string;
  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'ao-instr-')));
    root = path.join(base, 'ws');
    await fs.mkdir(root);
  });
  afterEach(() => fs.rm(base, { recursive: true, force: true }));

  async function write(rel: string, text: string): Promise<void> {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), text);
  }

  const files = (found: { instructions: ProjectInstruction[] }): string[] => found.instructions.map((i) => i.file);

  it('AGENTS.md from each touched or named file up to the root, nearest first, each once', async () => {
    await write('AGENTS.md', 'Root rules.');
    await write('src/AGENTS.md', 'Src rules.');
    await write('src/api/AGENTS.md', 'Api rules.');
    await write('docs/AGENTS.md', 'Docs rules.');
    await write('lib/AGENTS.md', 'Not on any path.');
    await write('src/api/server.ts', '');
    const found = await collectProjectInstructions(root, ['src/api/server.ts', 'docs/guide.md', 'src/new/x.ts']);
    assert.deepEqual(files(found), ['src/api/AGENTS.md', 'docs/AGENTS.md', 'src/AGENTS.md', 'AGENTS.md']);
    assert.equal(found.instructions[0]!.text, 'Api rules.');
    assert.deepEqual(found.warnings, []);
    assert.deepEqual(files(await collectProjectInstructions(root, [])), ['AGENTS.md'], 'no paths: the root only');
    assert.deepEqual(files(await collectProjectInstructions(root, ['src/api'])), [
      'src/api/AGENTS.md',
      'src/AGENTS.md',
      'AGENTS.md',
    ]);
    assert.deepEqual(
      files(await collectProjectInstructions(root, ['src/**/*.ts'])),
      ['src/AGENTS.md', 'AGENTS.md'],
      'a glob counts by its static base',
    );
  });

  it('.instructions.md files apply by their applyTo globs, most specific first; bad ones are warnings', async () => {
    await write('.github/instructions/ts.instructions.md', '---\napplyTo: "**/*.ts"\n---\nUse strict TypeScript.\n');
    await write('.github/instructions/api.instructions.md', '---\napplyTo: "src/api/**,lib/**"\n---\nApi style.\n');
    await write('.github/instructions/all.instructions.md', '---\napplyTo: "**"\n---\nBe kind.\n');
    await write('.github/instructions/py.instructions.md', '---\napplyTo: "**/*.py"\n---\nPEP 8.\n');
    await write('.github/instructions/none.instructions.md', '---\ndescription: no globs\n---\nNever.\n');
    await write('.github/instructions/bad.instructions.md', '---\napplyTo: [\n---\nBroken.\n');
    await write('.github/instructions/readme.md', '---\napplyTo: "**"\n---\nNot an instructions file.\n');
    const found = await collectProjectInstructions(root, ['src/api/server.ts']);
    assert.deepEqual(files(found), [
      '.github/instructions/api.instructions.md',
      '.github/instructions/ts.instructions.md',
      '.github/instructions/all.instructions.md',
    ]);
    assert.equal(found.instructions[1]!.text, 'Use strict TypeScript.', 'the body, without the frontmatter');
    const warnings = found.warnings.join('\n');
    assert.match(warnings, /none\.instructions\.md: no "applyTo" globs/);
    assert.match(warnings, /bad\.instructions\.md: line 2: invalid YAML in the frontmatter/);
    assert.deepEqual(files(await collectProjectInstructions(root, ['tools/run.py'])), [
      '.github/instructions/py.instructions.md',
      '.github/instructions/all.instructions.md',
    ]);
  });

  it('never reads through a linked folder or a linked AGENTS.md, nor a path outside the root', async () => {
    await fs.writeFile(path.join(base, 'AGENTS.md'), 'OUTSIDE');
    await fs.mkdir(path.join(base, 'elsewhere'));
    await fs.writeFile(path.join(base, 'elsewhere', 'AGENTS.md'), 'OUTSIDE TOO');
    await fs.symlink(path.join(base, 'elsewhere'), path.join(root, 'linked'));
    await fs.symlink(path.join(base, 'AGENTS.md'), path.join(root, 'AGENTS.md'));
    const found = await collectProjectInstructions(root, ['linked/x.ts', '../x.ts', '/etc/passwd']);
    assert.deepEqual(files(found), []);
    assert.match(found.warnings.join('\n'), /^AGENTS\.md: is a symbolic link/m);
  });

  it('honours the read policy: a hard link to a file outside, or a file the rules deny, is left out with a warning', async () => {
    await fs.writeFile(path.join(base, 'secret.txt'), 'OUTSIDE SECRET');
    await fs.link(path.join(base, 'secret.txt'), path.join(root, 'AGENTS.md'));
    await write('private/AGENTS.md', 'Private rules.');
    await write('src/AGENTS.md', 'Src rules.');
    const policy = new PolicyEngine({
      root,
      rules: [...DEFAULT_POLICY_RULES, { effect: 'deny', path: 'private/**', reason: 'private' }],
    });
    const mayRead = async (rel: string): Promise<boolean> =>
      (await policy.evaluate({ kind: 'read', tool: 'read_file', path: rel })).decision === 'allow';
    const found = await collectProjectInstructions(root, ['private/x.md', 'src/a.ts'], mayRead);
    assert.deepEqual(files(found), ['src/AGENTS.md']);
    const warnings = found.warnings.join('\n');
    assert.match(warnings, /^AGENTS\.md: the read policy does not allow reading it; it is not used$/m);
    assert.match(warnings, /^private\/AGENTS\.md: the read policy does not allow reading it/m);
  });

  it('the section is bounded by the token budget: the crossing file is cut, the rest listed as left out', () => {
    const big = 'x'.repeat(4_000); // 1,000 tokens by the estimator
    const section = formatProjectInstructions(
      [
        { file: 'src/AGENTS.md', text: 'Near.' },
        { file: 'AGENTS.md', text: big },
        { file: '.github/instructions/a.instructions.md', text: 'y'.repeat(400) },
        { file: '.github/instructions/b.instructions.md', text: 'z'.repeat(800) },
      ],
      300,
    )!;
    assert.match(
      section,
      /^Project instructions \(provided by files in this workspace, nearest and most specific first/,
    );
    assert.match(section, /=== src\/AGENTS\.md ===\nNear\./);
    const kept = /=== AGENTS\.md ===\n(x+)\n/.exec(section)?.[1] ?? '';
    assert.equal(estimateTokens('Near.') + estimateTokens(kept), 300, 'filled up to the budget, not beyond');
    assert.match(section, new RegExp(`\\[truncated ${1_000 - estimateTokens(kept)} tokens of AGENTS\\.md\\]`));
    assert.match(
      section,
      /\[truncated 300 tokens: \.github\/instructions\/a\.instructions\.md, \.github\/instructions\/b\.instructions\.md not included\]/,
    );
    assert.doesNotMatch(section, /y{10}|z{10}/);
    assert.match(section, /=== end of project instructions ===$/);
    assert.equal(formatProjectInstructions([]), undefined);
  });

  it('reach the end of the brief, marked as project-provided', async () => {
    await write('AGENTS.md', 'Run npm test before finishing.');
    await write('src/AGENTS.md', 'Use tabs in src.');
    const ctx = briefContext({ task: { id: 'fix', title: 'Fix it', writes: ['src/a.ts'] } });
    const { instructions } = await collectProjectInstructions(root, [...ctx.task.writes, ...ctx.task.reads]);
    const brief = taskBrief(ctx, formatProjectInstructions(instructions));
    const at = brief.indexOf('Project instructions (provided by files in this workspace');
    assert.ok(at > brief.indexOf('Task fix: Fix it'), brief);
    assert.ok(brief.indexOf('Use tabs in src.') < brief.indexOf('Run npm test before finishing.'), 'nearest first');
    assert.ok(brief.indexOf('Run npm test before finishing.') > at);
    assert.doesNotMatch(taskBrief(ctx), /Project instructions/, 'no section without instructions');
  });
});
