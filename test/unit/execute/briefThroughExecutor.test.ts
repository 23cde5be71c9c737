import assert from 'node:assert/strict';
import { taskBrief } from '../../../src/core/agents/taskBrief';
import { TaskFailure } from '../../../src/core/model/failure';
import type { TaskContext } from '../../../src/core/task/agent';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** Records an applied edit the way the edit tool does. */
function edited(ctx: TaskContext, path: string): void {
  ctx.record({ type: 'edit.applied', taskId: ctx.task.id, approvalId: `${ctx.task.id}-${ctx.attempt}-${path}`, path });
}

describe('briefs through the executor', () => {
  it('a task that fails its first attempt gets a second brief naming the failure, its findings and its edits', async () => {
    const briefs: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      briefs.push(taskBrief(ctx));
      if (ctx.attempt === 1) {
        edited(ctx, 'src/sum.ts');
        ctx.report({
          severity: 'major',
          category: 'test',
          message: 'sum › handles negative numbers: expected -1, got 1',
          location: 'test/sum.test.ts:12',
        });
        throw new TaskFailure('Verification "npm test" failed: 1 failing test.', 'retryable');
      }
      return { summary: 'fixed' };
    });
    const { orchestrator } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('sum', { title: 'Make sum handle negatives', writes: ['src/sum.ts'] })]),
    }).done;
    assert.equal(result.status, 'succeeded');
    assert.equal(briefs.length, 2);
    assert.doesNotMatch(briefs[0]!, /previous attempt/);
    const retry = briefs[1]!;
    assert.match(retry, /^This is attempt 2\. The previous attempt \(1, by coder\) failed \(retryable\):$/m);
    assert.match(retry, /^ {2}Verification "npm test" failed: 1 failing test\.$/m);
    assert.match(
      retry,
      /^- \[major test\] sum › handles negative numbers: expected -1, got 1 \(test\/sum\.test\.ts:12\)$/m,
    );
    assert.match(retry, /^Already changed by earlier attempts: src\/sum\.ts$/m);
  });

  it("a dependent's brief carries its dependency's summary and files, the shared context and its agent's messages", async () => {
    const briefs: string[] = [];
    const architect = testAgent({ id: 'architect', capabilities: ['design'] }, async (ctx) => {
      edited(ctx, 'src/api.ts');
      edited(ctx, 'docs/api.md');
      ctx.context.set('api/routes', ['/login', '/logout']);
      ctx.messages.send('coder', 'api-shape', { login: 'POST /login' });
      return { summary: 'Designed the login route', output: { routes: 2 } };
    });
    const coder = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      briefs.push(taskBrief(ctx));
      if (ctx.attempt === 1) throw new TaskFailure('The model timed out.', 'retryable');
      return { summary: 'Implemented it' };
    });
    const { orchestrator, events } = makeHarness({ agents: [architect, coder] });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([
        task('design', { title: 'Design the API', requiredCapabilities: ['design'] }),
        task('build', { title: 'Build the API', dependencies: ['design'], acceptanceCriteria: ['POST /login works'] }),
      ]),
    }).done;
    assert.equal(result.status, 'succeeded');
    assert.equal(briefs.length, 2);
    for (const brief of briefs) {
      assert.match(brief, /^- POST \/login works$/m);
      assert.match(brief, /^- design \(Design the API\): Designed the login route$/m);
      assert.match(brief, /^ {2}Files changed: src\/api\.ts, docs\/api\.md$/m);
      assert.match(brief, /^ {2}Output: {"routes":2}$/m);
      assert.match(brief, /^- api\/routes = \["\/login","\/logout"\]$/m);
      assert.match(brief, /^- \[\S+\] from architect about "api-shape": \{"login":"POST \/login"\}$/m);
    }
    assert.match(briefs[1]!, /The previous attempt \(1, by coder\) failed \(retryable\):\n {2}The model timed out\./);
    const reads = events.filter((e) => e.type === 'message.read');
    assert.equal(reads.length, 1, 'a failed attempt leaves its messages unread; the success reads them');
    const succeeded = events.findIndex((e) => e.type === 'task.succeeded' && e.taskId === 'build');
    assert.ok(events.indexOf(reads[0]!) < succeeded, 'read before the success is recorded');
    assert.deepEqual(result.state.inboxes.coder, []);
  });
});
