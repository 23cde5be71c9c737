import * as assert from 'node:assert/strict';
import { mapConventionTools } from '../../../src/core/agents/conventionAgentMapping';
import { parseCustomAgentFile } from '../../../src/core/agents/customAgentFile';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';

describe('agent definitions list the MCP tools they may use', () => {
  it('our agent files accept mcp__server__tool and mcp__server__* beside known tools, and still refuse unknown names', () => {
    const file = (tools: string) => `---\nname: a\ncapabilities: [code]\ntools: [${tools}]\n---\nDo it.\n`;
    const ok = parseCustomAgentFile('a.md', file('read_file, mcp__demo__echo, mcp__web__*'), {
      knownTools: ['read_file', 'finish_task'],
    });
    assert.ok(ok.ok, ok.ok ? '' : ok.error);
    const bad = parseCustomAgentFile('a.md', file('read_file, run_anything'), { knownTools: ['read_file'] });
    assert.ok(!bad.ok && /unknown tool "run_anything"/.test(bad.error));
  });

  it("Claude Code's agent files keep their mcp__ tools; other unknown names are reported as ignored", () => {
    const mapped = mapConventionTools(
      ['Read', 'mcp__github__create_issue', 'Frobnicate'],
      ['read_file', 'finish_task'],
    );
    assert.ok(mapped.tools.includes('mcp__github__create_issue'), mapped.tools.join(','));
    assert.ok(mapped.tools.includes('read_file'));
    assert.deepEqual(mapped.ignored, ['Frobnicate']);
    const everything = mapConventionTools(undefined, ['read_file']);
    assert.ok(!everything.tools.some((t) => t.startsWith('mcp__')), 'no list (all tools) grants no MCP tool');
  });

  it('the policy asks for an MCP tool by default, allows plain tools, and a user rule by tool glob decides', async () => {
    const plain = new PolicyEngine({ root: process.cwd(), rules: [] });
    assert.equal((await plain.evaluate({ kind: 'tool', tool: 'mcp__demo__echo' })).decision, 'ask');
    assert.equal((await plain.evaluate({ kind: 'tool', tool: 'context_get' })).decision, 'allow');
    const ruled = new PolicyEngine({
      root: process.cwd(),
      rules: [
        { effect: 'allow', tool: 'mcp__demo__*', reason: 'trusted server' },
        { effect: 'deny', tool: 'mcp__demo__delete*', reason: 'no deletes' },
      ],
    });
    assert.equal((await ruled.evaluate({ kind: 'tool', tool: 'mcp__demo__echo' })).decision, 'allow');
    assert.equal((await ruled.evaluate({ kind: 'tool', tool: 'mcp__demo__delete_all' })).decision, 'deny');
    assert.equal((await ruled.evaluate({ kind: 'tool', tool: 'mcp__other__echo' })).decision, 'ask');
  });
});
