import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { folderInsideWorkspace } from '../../../src/core/policy/hiddenPaths';
import { createToolHarness, fakeTask, type ToolHarness } from './toolHarness';

const STATE = '.agent-state';
const SETTINGS = `${STATE}/cli-runs/run-1.json`;
const SAVED = '{"formatVersion":1,"baseUrl":"https://api.openai.com/v1"}\n';

describe('checklist 29: agents can neither read nor change the state folder when it lies inside the workspace', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({
      files: { 'src/a.ts': 'export const a = 1;\n', [SETTINGS]: SAVED, [`${STATE}/runs/run-1/events.jsonl`]: '' },
      hiddenPaths: [STATE],
    });
  });
  afterEach(() => h.cleanup());

  it('propose_edit of the saved settings is denied and the file is unchanged, even when edits are accepted', async () => {
    for (const p of [SETTINGS, `./${SETTINGS}`, path.join(h.root, SETTINGS), `${STATE}/new.json`]) {
      const result = await h.call(fakeTask(), 'propose_edit', { path: p, content: '{"baseUrl":"http://evil"}' });
      assert.equal(result.isError, true, p);
      assert.match(result.content, /the orchestrator's own state folder, which agents may never read or change/, p);
    }
    assert.equal(await h.read(SETTINGS), SAVED);
    assert.equal(await h.read(`${STATE}/new.json`), undefined);
    assert.equal(h.approvals.proposals.length, 0, 'no one was even asked');
  });

  it('a symlink into the state folder does not get around it', async () => {
    await fs.symlink(path.join(h.root, STATE), path.join(h.root, 'innocent'));
    const edit = await h.call(fakeTask(), 'propose_edit', { path: 'innocent/cli-runs/run-1.json', content: 'x' });
    assert.equal(edit.isError, true);
    const read = await h.call(fakeTask(), 'read_file', { path: 'innocent/cli-runs/run-1.json' });
    assert.equal(read.isError, true);
    assert.doesNotMatch(read.content, /baseUrl/);
    assert.equal(await h.read(SETTINGS), SAVED);
  });

  it('read_file, list_files and search_text neither show nor read it', async () => {
    const read = await h.call(fakeTask(), 'read_file', { path: SETTINGS });
    assert.equal(read.isError, true);
    assert.match(read.content, /state folder/);
    const listed = await h.call(fakeTask(), 'list_files', {});
    assert.equal(listed.content, 'src/a.ts');
    const inside = await h.call(fakeTask(), 'list_files', { glob: `${STATE}/**` });
    assert.doesNotMatch(inside.content, /run-1/);
    const found = await h.call(fakeTask(), 'search_text', { query: 'baseUrl' });
    assert.doesNotMatch(found.content, /api\.openai\.com/);
  });

  it('commands that name it, a path inside it or a glob that reaches it are denied', async () => {
    await fs.symlink(path.join(h.root, STATE), path.join(h.root, 'innocent'));
    const policy = h.policy;
    const commands = [
      `ls ${STATE}/cli-runs`,
      `ls ${STATE}`,
      `ls ./${STATE}/../${STATE}`,
      `ls ${path.join(h.root, STATE)}`,
      'ls innocent/cli-runs',
      'ls .agent*',
      'ls *',
      `git status -- ${STATE}`,
      `git status --porcelain --untracked-files=all --ignored=${STATE}`,
      `sed -i s/openai/evil/ ${SETTINGS}`,
      `bash -c "cat ${SETTINGS}"`,
    ];
    for (const command of commands) {
      const verdict = await policy.evaluate({ kind: 'command', tool: 'run_verification', command });
      assert.equal(verdict.decision, 'deny', `${command}: ${verdict.reason}`);
      assert.match(verdict.reason, /the orchestrator's own state folder; agents may never read or change it/);
    }
    const ran = await h.call(fakeTask(), 'run_verification', { command: `ls ${STATE}/cli-runs` });
    assert.equal(ran.isError, true);
    assert.doesNotMatch(ran.content, /run-1\.json/);
  });

  it('everything else keeps its usual verdict', async () => {
    const policy = h.policy;
    for (const command of ['ls src', 'git status', 'pwd']) {
      const verdict = await policy.evaluate({ kind: 'command', tool: 'run_verification', command });
      assert.equal(verdict.decision, 'allow', `${command}: ${verdict.reason}`);
    }
    assert.equal((await policy.evaluate({ kind: 'read', tool: 'read_file', path: 'src/a.ts' })).decision, 'allow');
    const listed = await h.call(fakeTask(), 'list_files', { glob: 'src/*.ts' });
    assert.equal(listed.content, 'src/a.ts');
  });

  it('tells a state folder inside the workspace from one outside it, by real path too', async () => {
    assert.equal(await folderInsideWorkspace(h.root, path.join(h.root, STATE)), path.join(h.root, STATE));
    assert.equal(await folderInsideWorkspace(h.root, h.outside), undefined);
    assert.equal(await folderInsideWorkspace(h.root, `${h.root}-evil`), undefined, 'a sibling sharing a prefix');
    await fs.symlink(path.join(h.root, STATE), path.join(h.outside, 'state-link'));
    assert.ok(await folderInsideWorkspace(h.root, path.join(h.outside, 'state-link')), 'a link that leads inside');
    // A state folder outside the workspace changes nothing: the path guard already refuses it.
    const outsidePolicy = new PolicyEngine({
      root: h.root,
      rules: [...DEFAULT_POLICY_RULES],
      hiddenPaths: [h.outside],
    });
    // (`ls *` asks in any case, as a glob; `ls src` is allowed; neither is denied as hidden.)
    const plain = new PolicyEngine({ root: h.root, rules: [...DEFAULT_POLICY_RULES] });
    const sameVerdicts = async (policy: PolicyEngine, label: string): Promise<void> => {
      for (const command of ['ls *', 'ls src']) {
        const expected = (await plain.evaluate({ kind: 'command', tool: 't', command })).decision;
        const actual = (await policy.evaluate({ kind: 'command', tool: 't', command })).decision;
        assert.equal(actual, expected, `${label}: ${command}`);
      }
    };
    await sameVerdicts(outsidePolicy, 'state folder outside');
    // Nor does one that holds the workspace (AGENT_ORCHESTRATOR_HOME=~ with a project under ~).
    const holding = new PolicyEngine({ root: h.root, rules: [...DEFAULT_POLICY_RULES], hiddenPaths: [h.base] });
    await sameVerdicts(holding, 'state folder holding the workspace');
    assert.equal((await holding.evaluate({ kind: 'read', tool: 't', path: 'src/a.ts' })).decision, 'allow');
  });
});
