import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FileAgentStatsStore } from '../../../src/core/store/agentStatsFile';
import type { AgentStats } from '../../../src/core/agents/agentStats';
import { spawnChild, useTempDir, waitForExit } from './storeTestUtils';

function stats(overrides: Partial<AgentStats> = {}): AgentStats {
  return { attempts: 1, successes: 1, failures: 0, totalDurationMs: 10, tokens: 5, costUsd: 0.5, ...overrides };
}

describe('store/agentStatsFile', () => {
  const tempDir = useTempDir();
  const file = (): string => join(tempDir(), 'agent-stats.json');
  const lockFile = (): string => join(tempDir(), 'agent-stats.lock');

  it('loads {} when nothing was saved yet', async () => {
    assert.deepEqual(await new FileAgentStatsStore({ root: tempDir() }).load(), {});
  });

  it('adds deltas to what is stored', async () => {
    const store = new FileAgentStatsStore({ root: tempDir() });
    await store.addDeltas({ coder: stats(), tester: stats({ successes: 0, failures: 1 }) });
    await store.addDeltas({ coder: stats({ tokens: 7 }) });
    assert.deepEqual(await new FileAgentStatsStore({ root: tempDir() }).load(), {
      coder: { attempts: 2, successes: 2, failures: 0, totalDurationMs: 20, tokens: 12, costUsd: 1 },
      tester: { attempts: 1, successes: 0, failures: 1, totalDurationMs: 10, tokens: 5, costUsd: 0.5 },
    });
    assert.equal(existsSync(lockFile()), false, 'the lock is released');
  });

  it('loses no increments when two stores update at the same time', async () => {
    const a = new FileAgentStatsStore({ root: tempDir(), lockTimeoutMs: 10_000 });
    const b = new FileAgentStatsStore({ root: tempDir(), lockTimeoutMs: 10_000 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).addDeltas({ coder: stats() })));
    assert.equal((await a.load()).coder?.attempts, 40);
  });

  it('loses no increments when two processes update at the same time', async function () {
    this.timeout(60_000);
    const children = [
      spawnChild('agentStatsAdder.ts', [tempDir(), '25']),
      spawnChild('agentStatsAdder.ts', [tempDir(), '25']),
    ];
    await Promise.all(children.map(waitForExit));
    const loaded = await new FileAgentStatsStore({ root: tempDir() }).load();
    assert.equal(loaded.coder?.attempts, 50);
    assert.equal(loaded.coder?.costUsd, 25);
  });

  it('quarantines a corrupt file with a warning and starts from empty', async () => {
    await writeFile(file(), '{"formatVersion":1,"agents":{"coder":{"attempts":"lots"}}}');
    const warnings: string[] = [];
    const store = new FileAgentStatsStore({ root: tempDir(), onWarning: (w) => warnings.push(w) });
    assert.deepEqual(await store.load(), {});
    assert.equal(existsSync(file()), false);
    const quarantined = await readdir(join(tempDir(), 'quarantine'));
    assert.equal(quarantined.length, 1);
    assert.match(quarantined[0]!, /^agent-stats-.*\.json$/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /agent "coder": attempts.*moved it to .*quarantine/);
    assert.deepEqual(store.warnings, warnings);
    await store.addDeltas({ coder: stats() });
    assert.equal((await store.load()).coder?.attempts, 1);
  });

  it('rejects an invalid delta before writing anything', async () => {
    const store = new FileAgentStatsStore({ root: tempDir() });
    await store.addDeltas({ coder: stats() });
    const before = await readFile(file(), 'utf8');
    await assert.rejects(
      store.addDeltas({ coder: stats(), tester: stats({ tokens: -3 }) }),
      /Invalid statistics for agent "tester": tokens/,
    );
    assert.equal(await readFile(file(), 'utf8'), before);
  });

  it('breaks a lock left by a crash, and times out with a clear message on a live one', async () => {
    await writeFile(lockFile(), JSON.stringify({ pid: process.ppid, hostname: hostname(), at: Date.now() }));
    const store = new FileAgentStatsStore({ root: tempDir(), lockTimeoutMs: 150 });
    await assert.rejects(
      store.addDeltas({ coder: stats() }),
      /Timed out after 150 ms waiting for .*agent-stats\.lock.*delete that file/,
    );
    assert.equal(existsSync(file()), false);

    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile(), old, old);
    await store.addDeltas({ coder: stats() });
    assert.equal((await store.load()).coder?.attempts, 1);
  });
});
