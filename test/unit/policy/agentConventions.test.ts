import * as assert from 'node:assert/strict';
import { isProtectedPath } from '../../../src/core/policy/protectedPaths';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { createTempWorkspace, type TempWorkspace } from './tempWorkspace';

/** Every agent-instruction and agent-config convention the checklist names, as an agent would write it. */
const CONVENTIONS = [
  'AGENTS.md',
  'packages/api/AGENTS.md',
  'CLAUDE.md',
  'GEMINI.md',
  '.github/instructions/ts.instructions.md',
  '.github/agents/reviewer.agent.md',
  '.github/prompts/release.prompt.md',
  '.gemini/settings.json',
  '.codex/config.toml',
  '.aider.conf.yml',
  '.aiderignore',
  '.windsurf/rules/style.md',
  '.zed/settings.json',
  '.kilocode/rules/a.md',
  '.claude/agents/x.md',
  '.cursor/rules/y.mdc',
  '.clinerules',
  '.mcp.json',
];

describe('checklist 31: every agent-instruction and agent-config convention is protected', () => {
  for (const path of CONVENTIONS) {
    it(`protects ${path}`, () => assert.ok(isProtectedPath(path), path));
  }

  it('does not protect ordinary files that merely look alike', () => {
    for (const path of ['docs/agents.txt', 'src/claude.ts', 'src/helper/x.ts', 'README.md']) {
      assert.equal(isProtectedPath(path), false, path);
    }
  });

  let workspace: TempWorkspace;
  beforeEach(async () => (workspace = await createTempWorkspace()));
  afterEach(() => workspace.cleanup());

  it('the policy asks for a fresh approval before any of them is written, whatever the allow rules say', async () => {
    const engine = new PolicyEngine({
      root: workspace.root,
      rules: [...DEFAULT_POLICY_RULES, { effect: 'allow', path: '**', reason: 'a careless allow-all' }],
    });
    for (const path of CONVENTIONS) {
      const decision = await engine.evaluate({ kind: 'write', tool: 'propose_edit', path });
      assert.equal(decision.requiresFreshApproval, true, path);
      assert.notEqual(decision.decision, 'allow', path);
    }
  });
});
