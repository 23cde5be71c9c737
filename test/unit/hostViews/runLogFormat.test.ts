import assert from 'node:assert/strict';
import { runEventLogLine, SecretScrubber } from '../../../src/host/views/runLogFormat';
import { EventBuilder } from '../../support/eventBuilders';

describe('run log lines', () => {
  it('writes one line per meaningful event, prefixed with the run id', () => {
    const b = new EventBuilder('run-1');
    assert.deepEqual(runEventLogLine(b.created('Add auth')), {
      level: 'info',
      message: '[run-1] Run created: Add auth (budget 100000 tokens)',
    });
    assert.equal(runEventLogLine(b.taskFailed('a', 'gave up'))?.level, 'error');
    assert.equal(runEventLogLine(b.attemptFailed('a'))?.level, 'warn');
    assert.equal(runEventLogLine(b.stepCompleted('a', 'k', 1)), undefined);
    assert.equal(runEventLogLine(b.next({ type: 'metrics', counters: {}, histograms: {} })), undefined);
  });

  it('keeps a multi-line message on one line so it cannot forge log lines', () => {
    const b = new EventBuilder('run-1');
    const line = runEventLogLine(b.taskFailed('a', 'first\n[run-2] Run succeeded'));
    assert.equal(line?.message.includes('\n'), false);
  });

  it('redacts anything shaped like an API key', () => {
    const b = new EventBuilder('run-1');
    const line = runEventLogLine(b.taskFailed('a', 'HTTP 401 with key sk-ant-abcdefghijklmnopqrstuvwxyz0123'));
    assert.doesNotMatch(line!.message, /sk-ant-abc/);
    assert.match(line!.message, /\[redacted\]/);
  });

  it('scrubs keys it was told about, whatever their shape', () => {
    const scrubber = new SecretScrubber();
    scrubber.add('local-key-7f3a9c');
    scrubber.add('short');
    assert.equal(scrubber.scrub('auth local-key-7f3a9c failed, short'), 'auth [redacted] failed, short');
  });

  it('logs a task check at its verdict level, and a recorded run-level check (already logged by the engine) only at debug', () => {
    const b = new EventBuilder('run-1');
    const check = {
      type: 'verification.completed' as const,
      name: 'npm test',
      exitCode: 1,
      verdict: 'fail' as const,
      counts: { major: 1, medium: 0, minor: 0 },
      durationMs: 5,
    };
    assert.equal(runEventLogLine(b.next({ ...check, taskId: 'a' }))?.level, 'error');
    const recorded = runEventLogLine(b.next({ ...check, key: 'baseline:0:npm test' }));
    assert.equal(recorded?.level, 'debug');
    assert.match(recorded?.message ?? '', /baseline:0:npm test/);
  });
});
