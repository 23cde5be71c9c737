import * as assert from 'node:assert/strict';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { isDeclaredWrite } from '../../../src/core/tools/isDeclaredWrite';
import { ToolBus } from '../../../src/core/tools/toolBus';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import { createToolHarness, fakeTask } from './toolHarness';

describe('builtinTools', () => {
  it('offers every tool the built-in agents name, each with a JSON schema', () => {
    const specs = new ToolBus<ToolContext>(builtinTools()).specs();
    assert.deepEqual(
      specs.map((s) => s.name),
      [
        'read_file',
        'list_files',
        'search_text',
        'propose_edit',
        'run_verification',
        'run_command',
        'context_get',
        'context_set',
        'send_message',
        'read_messages',
        'finish_task',
      ],
    );
    const edit = specs.find((s) => s.name === 'propose_edit');
    assert.deepEqual(Object.keys((edit?.parameters.properties ?? {}) as object), [
      'path',
      'content',
      'edits',
      'delete',
    ]);
    assert.equal(JSON.stringify(specs).includes('$ref'), false, 'no recursive schemas some providers reject');
  });

  it('generates each spec once and hands out the same frozen schema on every turn', () => {
    const bus = new ToolBus<ToolContext>(builtinTools());
    const [first, again] = [bus.specs(), bus.specs(['propose_edit'])];
    const edit = first.find((s) => s.name === 'propose_edit');
    assert.equal(again[0], edit, 'the second turn gets the spec generated for the first');
    assert.equal(Object.isFrozen(edit?.parameters.properties), true);
    assert.throws(() => {
      (edit?.parameters as Record<string, unknown>).type = 'string';
    }, TypeError);
    assert.equal(bus.specs().find((s) => s.name === 'propose_edit')?.parameters.type, 'object');
  });

  it('still asks a human for a protected path when a policy port forgets to flag it (defence in depth)', async () => {
    const h = await createToolHarness({ files: { '.vscode/settings.json': '{}\n' } });
    try {
      const careless = {
        evaluate: async (a: Parameters<typeof h.policy.evaluate>[0]) => ({
          ...(await h.policy.evaluate(a)),
          decision: 'allow' as const,
          requiresFreshApproval: false,
        }),
      };
      const task = fakeTask();
      await h.bus.call(
        'propose_edit',
        { path: '.vscode/settings.json', content: '{"a":1}\n' },
        {
          task,
          workspace: h.workspace,
          policy: careless,
          approvals: h.approvals,
          verification: h.verification,
          checkpoints: h.checkpoints,
        },
      );
      assert.equal(h.approvals.proposals.length, 1);
      assert.equal(h.approvals.proposals[0]?.protected, true);
      assert.equal(task.events.find((e) => e.type === 'approval.decided')?.by, 'user');
    } finally {
      await h.cleanup();
    }
  });
});

describe('isDeclaredWrite', () => {
  it('matches declared files, folders and globs like the path locks do', () => {
    assert.equal(isDeclaredWrite(['src'], 'src/a/b.ts'), true);
    assert.equal(isDeclaredWrite(['./src/'], 'src/a.ts'), true);
    assert.equal(isDeclaredWrite(['src'], 'src2/a.ts'), false);
    assert.equal(isDeclaredWrite(['src\\a.ts'], 'src/a.ts'), true);
    assert.equal(isDeclaredWrite(['.'], 'anything/at/all'), true);
    assert.equal(isDeclaredWrite(['lib/**/*.ts'], 'lib/x/y.ts'), true);
    assert.equal(isDeclaredWrite(['lib/**/*.ts'], 'lib/readme.md'), false);
    assert.equal(isDeclaredWrite(['**/.env*'], '.env.local'), true);
    assert.equal(isDeclaredWrite([], 'src/a.ts'), false);
  });
});
