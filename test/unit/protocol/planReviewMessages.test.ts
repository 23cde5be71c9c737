import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../../../src/protocol/messages';
import { cycleReason, wouldCreateCycle } from '../../../src/protocol/planCycle';

const RUN = 'run-1700000000000-ab12';
const edit = (e: Record<string, unknown>): Record<string, unknown> => ({ type: 'planEdit', runId: RUN, edit: e });

describe('checklist 14: plan review messages from the webview are parsed against the protocol', () => {
  const accepted: [string, unknown][] = [
    ['setTitle', edit({ op: 'setTitle', taskId: 'a', title: 'Write the parser' })],
    ['setTitle of 200 characters', edit({ op: 'setTitle', taskId: 'a', title: 'x'.repeat(200) })],
    [
      'setDescription with line breaks and tabs',
      edit({ op: 'setDescription', taskId: 'a', description: 'a\n\tb\r\n' }),
    ],
    ['setDescription of 4,000 characters', edit({ op: 'setDescription', taskId: 'a', description: 'y'.repeat(4000) })],
    ['an empty description', edit({ op: 'setDescription', taskId: 'a', description: '' })],
    ['setAgent', edit({ op: 'setAgent', taskId: 'a', agentId: 'tester' })],
    ['setAgent back to any agent', edit({ op: 'setAgent', taskId: 'a' })],
    ['deleteTask', edit({ op: 'deleteTask', taskId: 'a' })],
    ['addEdge', edit({ op: 'addEdge', taskId: 'b', dependsOn: 'a' })],
    ['removeEdge', edit({ op: 'removeEdge', taskId: 'b', dependsOn: 'a' })],
    ['planRun', { type: 'planRun', runId: RUN, version: 3 }],
    ['planDiscard', { type: 'planDiscard', runId: RUN }],
    ['planOpenJson', { type: 'planOpenJson', runId: RUN }],
  ];
  for (const [name, raw] of accepted) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(parseWebviewMessage(raw), { ok: true, message: raw });
    });
  }

  const refused: [string, unknown, RegExp][] = [
    ['an unknown op', edit({ op: 'runCommand', taskId: 'a', command: 'rm -rf /' }), /edit\.op|op/],
    ['an op without a task', edit({ op: 'deleteTask' }), /edit\.taskId/],
    ['a task id that is a path', edit({ op: 'deleteTask', taskId: '../../etc/passwd' }), /taskId: a task id is/],
    ['a title of 201 characters', edit({ op: 'setTitle', taskId: 'a', title: 'x'.repeat(201) }), /at most 200/],
    ['an empty title', edit({ op: 'setTitle', taskId: 'a', title: '  ' }), /must not be empty/],
    ['a title with a newline', edit({ op: 'setTitle', taskId: 'a', title: 'a\nb' }), /one line/],
    ['a title with an escape', edit({ op: 'setTitle', taskId: 'a', title: 'a\u001b[2Jb' }), /control characters/],
    [
      'a description of 4,001 characters',
      edit({ op: 'setDescription', taskId: 'a', description: 'y'.repeat(4001) }),
      /at most 4,000/,
    ],
    [
      'a description with a NUL',
      edit({ op: 'setDescription', taskId: 'a', description: 'a\u0000b' }),
      /no control characters/,
    ],
    ['an agent id with a slash', edit({ op: 'setAgent', taskId: 'a', agentId: 'x/../y' }), /agentId/],
    ['a title on deleteTask', edit({ op: 'deleteTask', taskId: 'a', title: 'x' }), /unexpected field\(s\) title/],
    [
      'a path on an edit',
      edit({ op: 'addEdge', taskId: 'a', dependsOn: 'b', path: '/etc/passwd' }),
      /unexpected field\(s\) path/,
    ],
    [
      'a whole plan on run (the host owns the plan)',
      { type: 'planRun', runId: RUN, version: 1, plan: { tasks: [] } },
      /unexpected field\(s\) plan/,
    ],
    ['run without a version', { type: 'planRun', runId: RUN }, /version/],
    ['a negative version', { type: 'planRun', runId: RUN, version: -1 }, /version/],
    ['open as JSON with a uri', { type: 'planOpenJson', runId: RUN, uri: 'file:///etc/passwd' }, /unexpected field/],
    ['discard with a run id that is a path', { type: 'planDiscard', runId: '../runs' }, /runId/],
    ['a host-only type', { type: 'planReview', review: {} }, /unknown message type "planReview"/],
  ];
  for (const [name, raw, reason] of refused) {
    it(`refuses ${name} with a reason`, () => {
      const result = parseWebviewMessage(raw);
      assert.equal(result.ok, false, `${name} was accepted`);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  it('keeps the largest edit of real text under the 16 kB message limit, even when JSON escapes every character', () => {
    // Quotes and backslashes double in JSON: 4,000 of them are 8,000 characters on the wire.
    const largest = edit({ op: 'setDescription', taskId: 'x'.repeat(64), description: '"\\'.repeat(2000) });
    assert.ok(JSON.stringify(largest).length > 8000);
    assert.equal(parseWebviewMessage(largest).ok, true);
  });

  it('takes the review messages from the host side only', () => {
    const review = {
      type: 'planReview',
      review: { runId: RUN, version: 0, goal: 'g', agents: ['coder'], tasks: [] },
    };
    assert.equal(parseHostMessage(review).ok, true);
    const issues = { type: 'planIssues', runId: RUN, version: 0, kind: 'validation', issues: [] };
    assert.equal(parseHostMessage(issues).ok, true);
    assert.equal(parseHostMessage({ type: 'planReviewEnded', runId: RUN, startedRunId: 'run-2' }).ok, true);
    assert.equal(parseWebviewMessage(issues).ok, false);
    assert.equal(parseHostMessage({ type: 'planRun', runId: RUN, version: 0 }).ok, false);
  });
});

describe('wouldCreateCycle: the cycle check both the webview and the host use', () => {
  // c depends on b, b depends on a.
  const chain = [
    { id: 'a', deps: [] },
    { id: 'b', deps: ['a'] },
    { id: 'c', deps: ['b'] },
  ];

  it('finds the chain that an edge back to the start would close, and says it in words', () => {
    const found = wouldCreateCycle(chain, 'a', 'c');
    assert.deepEqual(found, ['c', 'b', 'a']);
    assert.equal(
      cycleReason(found!, 'a', 'c'),
      '"c" already depends on "a" through "b", so "a" cannot depend on "c" (that would be a cycle).',
    );
  });

  it('allows an edge that closes no cycle, including a shortcut along the chain', () => {
    assert.equal(wouldCreateCycle(chain, 'c', 'a'), undefined);
    assert.equal(wouldCreateCycle([...chain, { id: 'd', deps: [] }], 'd', 'c'), undefined);
  });

  it('refuses a task depending on itself, and a direct back edge', () => {
    assert.deepEqual(wouldCreateCycle(chain, 'b', 'b'), ['b']);
    assert.match(cycleReason(['b'], 'b', 'b'), /cannot depend on itself/);
    assert.deepEqual(wouldCreateCycle(chain, 'a', 'b'), ['b', 'a']);
    assert.equal(
      cycleReason(['b', 'a'], 'a', 'b'),
      '"b" already depends on "a", so "a" cannot depend on "b" (that would be a cycle).',
    );
  });

  it('walks a 10,000-task chain without recursion', () => {
    const long = Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, deps: i === 0 ? [] : [`t${i - 1}`] }));
    assert.equal(wouldCreateCycle(long, 't0', 't9999')?.length, 10_000);
  });
});
