import assert from 'node:assert/strict';
import type { LogLine } from '../../../src/protocol/logs';
// @ts-expect-error TS1479: webview/ is an ES module package; tsx loads it here through require(esm) at run time.
import { filterLogLines, logLineText, logSources, NO_LOG_FILTER } from '../../../webview/panels/logFilter.js';

const at = Date.UTC(2026, 0, 1, 12, 0, 1);
const LINES: LogLine[] = [
  { seq: 1, at, level: 'debug', text: 'planning' },
  { seq: 2, at, level: 'info', taskId: 'a', agentId: 'coder', text: 'Task a started' },
  { seq: 3, at, level: 'warn', taskId: 'b', agentId: 'reviewer', text: 'Rate limit: waiting' },
  { seq: 4, at, level: 'error', taskId: 'a', agentId: 'coder', text: 'Tests FAILED' },
];
const seqs = (lines: readonly LogLine[]): number[] => lines.map((l) => l.seq);

describe('webview log filter', () => {
  it('lets everything through unfiltered, as the same array', () => {
    assert.equal(filterLogLines(LINES, NO_LOG_FILTER), LINES);
  });

  it('keeps a level and the more severe ones', () => {
    assert.deepEqual(seqs(filterLogLines(LINES, { ...NO_LOG_FILTER, minLevel: 'info' })), [2, 3, 4]);
    assert.deepEqual(seqs(filterLogLines(LINES, { ...NO_LOG_FILTER, minLevel: 'error' })), [4]);
  });

  it('narrows by task, agent and case-insensitive text, all at once', () => {
    assert.deepEqual(seqs(filterLogLines(LINES, { ...NO_LOG_FILTER, taskId: 'a' })), [2, 4]);
    assert.deepEqual(seqs(filterLogLines(LINES, { ...NO_LOG_FILTER, agentId: 'reviewer' })), [3]);
    assert.deepEqual(seqs(filterLogLines(LINES, { ...NO_LOG_FILTER, text: ' failed ' })), [4]);
    assert.deepEqual(
      seqs(filterLogLines(LINES, { minLevel: 'warn', taskId: 'a', agentId: 'coder', text: 'tests' })),
      [4],
    );
    assert.deepEqual(seqs(filterLogLines(LINES, { minLevel: 'warn', taskId: 'b', agentId: 'coder', text: '' })), []);
  });

  it('lists the tasks and agents the lines mention, sorted', () => {
    assert.deepEqual(logSources(LINES), { taskIds: ['a', 'b'], agentIds: ['coder', 'reviewer'] });
  });

  it('reads a line as time (UTC), level, task and text', () => {
    assert.equal(logLineText(LINES[3]!), '12:00:01 error [a] Tests FAILED');
    assert.equal(logLineText(LINES[0]!), '12:00:01 debug planning');
  });
});
