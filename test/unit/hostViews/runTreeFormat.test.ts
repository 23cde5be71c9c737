import assert from 'node:assert/strict';
import type { AttemptRecord, TaskState } from '../../../src/core/model/runState';
import type { RunSummary } from '../../../src/core/store/runStore';
import {
  attemptIcon,
  displayTaskStatus,
  approvalDescription,
  approvalLabel,
  attemptDescription,
  formatDuration,
  formatMessage,
  parseFindingLocation,
  runContextValue,
  runDescription,
  runIcon,
  taskContextValue,
  taskDescription,
  taskDurationMs,
} from '../../../src/host/views/runTreeFormat';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

function task(over: Partial<TaskState> = {}): TaskState {
  return {
    id: 't1',
    status: 'pending',
    attempts: [],
    excludedAgents: [],
    steps: {},
    changedPaths: [],
    usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
    ...over,
  };
}

function attempt(over: Partial<AttemptRecord> = {}): AttemptRecord {
  return { attempt: 1, agentId: 'coder', startedAt: NOW - 12_000, ...over };
}

function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'run-1',
    goal: 'Add auth',
    status: 'succeeded',
    createdAt: NOW - 10 * 60_000,
    updatedAt: NOW - 5 * 60_000,
    taskCounts: { pending: 0, running: 0, succeeded: 2, failed: 0, skipped: 0, cancelled: 0 },
    usage: { inputTokens: 10_000, outputTokens: 2_300, costUsd: 0.04 },
    locked: false,
    ...over,
  };
}

describe('run tree formatting', () => {
  it('describes a run as age · tokens · cost', () => {
    assert.equal(runDescription(summary(), NOW, 'en-US', formatMessage), '5 min. ago · 12.3K tokens · $0.04');
  });

  it('keeps sub-cent spend visible', () => {
    assert.match(
      runDescription(
        summary({ usage: { inputTokens: 40, outputTokens: 2, costUsd: 0.0012 } }),
        NOW,
        'en-US',
        formatMessage,
      ),
      /\$0\.0012$/,
    );
  });

  it('gives runs and tasks the context values the package.json menus key on', () => {
    assert.equal(runContextValue('running'), 'run-running');
    assert.equal(runContextValue('interrupted'), 'run-interrupted');
    assert.equal(runContextValue('elsewhere'), 'run-elsewhere');
    assert.equal(taskContextValue('failed'), 'task-failed');
    // The resume menu matches /^run-(paused|interrupted|failed|cancelled)$/: a run of another window must not.
    assert.doesNotMatch(runContextValue('elsewhere'), /^run-(paused|interrupted|failed|cancelled|running)$/);
  });

  it('spins the icon of a running run and colours a failed one', () => {
    assert.equal(runIcon('running').id, 'sync~spin');
    assert.equal(runIcon('failed').color, 'testing.iconFailed');
  });

  it('describes a task as agent · duration, counting a running attempt until now', () => {
    const t = task({
      status: 'running',
      agentId: 'coder',
      attempts: [attempt({ endedAt: NOW - 9_000, outcome: 'failed' }), attempt({ attempt: 2, startedAt: NOW - 4_000 })],
    });
    assert.equal(taskDurationMs(t, NOW), 7_000);
    assert.equal(taskDescription(t, NOW, 'en-US', formatMessage), 'coder · 7 sec');
  });

  it('shows the assigned agent of a task that has not started, or says it is unassigned', () => {
    assert.equal(taskDescription(task({ assignedAgent: 'tester' }), NOW, 'en-US', formatMessage), 'tester');
    assert.equal(taskDescription(task(), NOW, 'en-US', formatMessage), 'unassigned');
  });

  it('formats durations from milliseconds to hours', () => {
    assert.equal(formatDuration(850, 'en-US'), '850 ms');
    assert.equal(formatDuration(12_400, 'en-US'), '12 sec');
    assert.equal(formatDuration(184_000, 'en-US'), '3 min 4 sec');
    assert.equal(formatDuration(120_000, 'en-US'), '2 min');
    assert.equal(formatDuration(3_720_000, 'en-US'), '1 hr 2 min');
  });

  it('describes an attempt with its outcome and the first line of its message', () => {
    const a = attempt({ endedAt: NOW - 2_000, outcome: 'failed', message: 'tests failed\nstack…' });
    assert.equal(attemptDescription(a, NOW, 'en-US', formatMessage), 'failed in 10 sec: tests failed');
    assert.equal(attemptDescription(attempt(), NOW, 'en-US', formatMessage), 'running in 12 sec');
  });

  it('labels edits by path and commands by command, with who decided', () => {
    const edit = {
      approvalId: 'a1',
      taskId: 't1',
      kind: 'edit' as const,
      path: 'src/auth.ts',
      summary: 'edit',
      protected: false,
      status: 'applied' as const,
      by: 'auto' as const,
    };
    assert.equal(approvalLabel(edit), 'src/auth.ts');
    assert.equal(approvalDescription(edit, formatMessage), 'applied · automatically');
    const command = {
      approvalId: 'a2',
      taskId: 't1',
      kind: 'command' as const,
      command: 'npm test',
      summary: 'run',
      protected: true,
      status: 'pending' as const,
    };
    assert.equal(approvalLabel(command), 'npm test');
    assert.equal(approvalDescription(command, formatMessage), 'waiting for review · protected path');
  });

  it('parses finding locations with lines, columns and Windows drive letters', () => {
    assert.deepEqual(parseFindingLocation('src/a.ts:12'), { path: 'src/a.ts', line: 12 });
    assert.deepEqual(parseFindingLocation('src/a.ts:12:5'), { path: 'src/a.ts', line: 12, column: 5 });
    assert.deepEqual(parseFindingLocation('C:\\ws\\a.ts:3'), { path: 'C:\\ws\\a.ts', line: 3 });
    assert.deepEqual(parseFindingLocation('README.md'), { path: 'README.md' });
    assert.equal(parseFindingLocation('  '), undefined);
    assert.equal(parseFindingLocation(undefined), undefined);
  });

  it('fills placeholders like vscode.l10n.t', () => {
    assert.equal(formatMessage('{0} of {1}, {0} again, {2} kept', 'a', 2), 'a of 2, a again, {2} kept');
  });
});

describe('tasks of a run that is no longer live', () => {
  it('shows a task cut off by a reload as waiting, not running, and only then', () => {
    assert.equal(displayTaskStatus('running', false), 'pending');
    assert.equal(displayTaskStatus('running', true), 'running');
    assert.equal(displayTaskStatus('succeeded', false), 'succeeded');
  });

  it('shows an attempt without an outcome as running only while the run is live', () => {
    const attempt: AttemptRecord = { attempt: 1, agentId: 'coder', startedAt: 0 };
    assert.notDeepEqual(attemptIcon(attempt, false), attemptIcon(attempt, true));
    assert.deepEqual(
      attemptIcon({ ...attempt, outcome: 'failed' }, false),
      attemptIcon({ ...attempt, outcome: 'failed' }, true),
    );
  });
});
