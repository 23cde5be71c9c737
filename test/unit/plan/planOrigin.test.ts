import assert from 'node:assert/strict';
import { PlanSchema, type Plan } from '../../../src/core/model/planSchema';
import { fromRunOf, planFileOf, planFileText } from '../../../src/core/plan/planFile';
import { planOriginOf, type LoadPlan } from '../../../src/core/plan/planOrigin';
import { plan, task } from '../../support/planBuilders';

/** What a dry run recorded: the validated plan, defaults filled in. */
const produced: Plan = PlanSchema.parse(plan([task('a'), task('b', { dependencies: ['a'] })], 'Write two notes'));

/** A store with one dry run, `run-dry`; any other id is unknown. */
const loadPlan: LoadPlan = async (runId) => {
  if (runId === 'run-dry') return produced;
  if (runId === 'run-no-plan') return undefined;
  throw new Error(`There is no run "${runId}".`);
};

/** What validation makes of a plan document. */
const validated = (input: unknown): Plan => PlanSchema.parse(input);

describe('where a given plan came from (planOriginOf, for the CLI and the editor)', () => {
  it('a plan file as written, in another key order and without the defaults, is not edited', async () => {
    const file = JSON.parse(planFileText('run-dry', produced)) as Record<string, unknown>;
    assert.deepEqual(await planOriginOf('file', file, validated(file), loadPlan), {
      source: 'file',
      fromRun: 'run-dry',
      edited: false,
    });
    const sparse = {
      tasks: [
        { title: 'Task a', id: 'a', requiredCapabilities: ['code'] },
        { dependencies: ['a'], id: 'b', title: 'Task b', requiredCapabilities: ['code'], priority: 50 },
      ],
      goal: 'Write two notes',
      fromRun: 'run-dry',
    };
    assert.deepEqual(await planOriginOf('editor', sparse, validated(sparse), loadPlan), {
      source: 'editor',
      fromRun: 'run-dry',
      edited: false,
    });
  });

  it('a changed title, dependency, extra task or goal counts as edited', async () => {
    const edits: Array<(p: Plan) => void> = [
      (p) => (p.tasks[0]!.title = 'Task a, politely'),
      (p) => (p.tasks[1]!.dependencies = []),
      (p) => p.tasks.push(validated(plan([task('c')])).tasks[0]!),
      (p) => (p.goal = 'Write three notes'),
    ];
    for (const edit of edits) {
      const input = planFileOf('run-dry', structuredClone(produced));
      edit(input);
      assert.deepEqual(await planOriginOf('editor', input, validated(input), loadPlan), {
        source: 'editor',
        fromRun: 'run-dry',
        edited: true,
      });
    }
  });

  it('without fromRun only the source is known; with an unreadable or planless run, edited is left out', async () => {
    const bare = plan([task('a')]);
    assert.deepEqual(await planOriginOf('editor', bare, validated(bare), loadPlan), { source: 'editor' });
    const blank = { ...bare, fromRun: '' };
    assert.deepEqual(await planOriginOf('file', blank, validated(blank), loadPlan), { source: 'file' });
    for (const fromRun of ['run-gone', 'run-no-plan', '../../etc']) {
      const input = { ...bare, fromRun };
      assert.deepEqual(await planOriginOf('file', input, validated(input), loadPlan), { source: 'file', fromRun });
    }
  });

  it('a plan file is { fromRun, goal, tasks } as two-space JSON, and fromRun is read back only as a non-empty string', () => {
    const text = planFileText('run-dry', produced);
    assert.deepEqual(Object.keys(JSON.parse(text) as object), ['fromRun', 'goal', 'tasks']);
    assert.ok(text.endsWith('}\n') && text.includes('\n  "goal": "Write two notes",\n'));
    assert.equal(fromRunOf(JSON.parse(text)), 'run-dry');
    for (const input of [undefined, null, 'run-dry', [], { fromRun: 7 }, { fromRun: '' }])
      assert.equal(fromRunOf(input), undefined);
  });
});
