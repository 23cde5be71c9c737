import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/core/store/runStore';
import { MAX_KEPT_LINES, RecentLogLines } from '../../../src/host/panel/panelLog';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

const scrub = (text: string): string => text.split('sk-live-abcdef123456').join('[redacted]');

describe('run panel log lines', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-panel-log-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a run's stored events once, scrubbed, and follows them with live lines", async () => {
    const store = new RunStore({ root: dir });
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async () => {
      throw new Error('the key sk-live-abcdef123456 was refused');
    });
    const { orchestrator } = makeHarness({ agents: [agent], store, settings: { maxConcurrency: 1 } });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b', { dependencies: ['a'] })]) })
      .done;
    const events = await store.readEvents(result.runId);
    let reads = 0;
    const warnings: string[] = [];
    const lines = new RecentLogLines({
      readEvents: async (runId) => {
        reads++;
        return store.readEvents(runId);
      },
      scrub,
      warn: (m) => warnings.push(m),
    });

    const first = await lines.of(result.runId);
    assert.ok(first.length > 3, `${first.length} lines`);
    assert.ok(
      first.some((l) => l.taskId === 'a' && l.level === 'error'),
      'the failed attempt of a is an error line',
    );
    assert.ok(
      first.every((l) => !l.text.includes('sk-live-abcdef123456')),
      'no key in any line',
    );
    assert.ok(first.some((l) => l.text.includes('[redacted]')));
    assert.deepEqual(
      first.map((l) => l.seq),
      [...first.map((l) => l.seq)].sort((x, y) => x - y),
    );
    assert.ok(first.at(-1)!.seq <= events.at(-1)!.seq);

    // Live lines after the stored ones are kept; a line the file already had is not added twice.
    const lastSeq = events.at(-1)!.seq;
    lines.add(result.runId, { seq: lastSeq + 1, at: 0, level: 'info', text: 'live' });
    lines.add(result.runId, { seq: first.at(-1)!.seq, at: 0, level: 'info', text: 'again' });
    const second = await lines.of(result.runId);
    assert.equal(second.length, first.length + 1);
    assert.equal(second.at(-1)!.text, 'live');
    assert.equal(reads, 1, 'the stored events are read once');
    assert.deepEqual(warnings, []);
  });

  it('keeps the live lines and says why when the stored log cannot be read', async () => {
    const store = new RunStore({ root: dir });
    const warnings: string[] = [];
    const lines = new RecentLogLines({
      readEvents: (id) => store.readEvents(id),
      scrub,
      warn: (m) => warnings.push(m),
    });
    lines.add('run-gone', { seq: 7, at: 0, level: 'warn', text: 'seen live' });
    assert.deepEqual(
      (await lines.of('run-gone')).map((l) => l.text),
      ['seen live'],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /stored log of run run-gone could not be read .*There is no run "run-gone"/);
  });

  it(`keeps at most ${MAX_KEPT_LINES} lines per run, the newest`, async () => {
    const lines = new RecentLogLines();
    for (let seq = 1; seq <= MAX_KEPT_LINES + 5; seq++) lines.add('r', { seq, at: 0, level: 'info', text: `${seq}` });
    const kept = await lines.of('r');
    assert.equal(kept.length, MAX_KEPT_LINES);
    assert.equal(kept[0]!.seq, 6);
  });
});
