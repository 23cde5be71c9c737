import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { emptyRunState } from '../../../src/core/model/runState';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';
import { DEFAULT_GATE_THRESHOLDS } from '../../../src/core/verify/gateThresholds';
import type { VerificationJournal } from '../../../src/core/verify/runVerifier';
import { StepsVerifier } from '../../../src/core/verify/stepsVerifier';
import type { VerificationOutcome } from '../../../src/core/verify/verificationStep';
import { DEFAULT_THRESHOLDS } from '../../../src/core/verify/verificationThresholds';

/** A journal kept in memory, as the run session keeps it in the folded state. */
function memoryJournal(): VerificationJournal & { records: Map<string, VerificationOutcome> } {
  const records = new Map<string, VerificationOutcome>();
  return {
    records,
    recorded: (key) => records.get(key),
    record: async (key, outcome) => void records.set(key, structuredClone(outcome)),
  };
}

describe('checklist 18: verification checks of the baseline and the end-of-run gate are journaled', function () {
  this.timeout(20_000);
  let ws: string;
  beforeEach(async () => {
    ws = await mkdtemp(join(tmpdir(), 'ao-journal-'));
    // Each run appends a line, so the test counts real runs of the command.
    await writeFile(join(ws, 'count.js'), "require('fs').appendFileSync('ran.log', 'ran\\n'); console.log('ok');\n");
    await writeFile(join(ws, 'fail.js'), "console.log('FAIL something'); process.exit(1);\n");
  });
  afterEach(() => rm(ws, { recursive: true, force: true }));

  const ran = async (): Promise<number> => (await readFile(join(ws, 'ran.log'), 'utf8')).trim().split('\n').length;
  const verifier = (): StepsVerifier =>
    new StepsVerifier(
      [
        { name: 'count', command: 'node count.js' },
        { name: 'fail', command: 'node fail.js' },
      ],
      new ChildProcessRunner({ defaultTimeoutMs: 15_000 }),
      DEFAULT_THRESHOLDS,
      DEFAULT_GATE_THRESHOLDS,
      ws,
    );

  it('records every finished check, and a second pass with the same journal runs nothing and judges the same', async () => {
    const journal = memoryJournal();
    const signal = new AbortController().signal;
    const state = emptyRunState('run-1');
    state.baseline = await verifier().baseline(signal, journal);
    const first = await verifier().verify(state, signal, memoryJournalOver(journal, 'gate'));
    assert.equal(await ran(), 2, 'baseline and gate each ran the command once');
    assert.deepEqual([...journal.records.keys()].sort(), ['0:count', '1:fail', 'gate/0:count', 'gate/1:fail']);

    const again = await verifier().verify(state, signal, memoryJournalOver(journal, 'gate'));
    const baselineAgain = await verifier().baseline(signal, journal);
    assert.equal(await ran(), 2, 'recorded checks were not run again');
    assert.deepEqual(again, first, 'the recorded outcomes give the same verdict');
    assert.deepEqual(baselineAgain, state.baseline);
  });

  it('does not record a check stopped by a cancel mid-run: only the finished one is kept, the other runs again', async () => {
    await writeFile(
      join(ws, 'slow.js'),
      "require('fs').writeFileSync('started', ''); setTimeout(() => undefined, 10_000);\n",
    );
    const slow = new StepsVerifier(
      [
        { name: 'count', command: 'node count.js' },
        { name: 'slow', command: 'node slow.js' },
      ],
      new ChildProcessRunner({ defaultTimeoutMs: 15_000 }),
      DEFAULT_THRESHOLDS,
      DEFAULT_GATE_THRESHOLDS,
      ws,
    );
    const journal = memoryJournal();
    const abort = new AbortController();
    const baseline = slow.baseline(abort.signal, journal);
    while (!existsSync(join(ws, 'started'))) await delay(10);
    abort.abort(new Error('The run was cancelled.'));
    await assert.rejects(baseline, /cancelled/);
    assert.deepEqual([...journal.records.keys()], ['0:count'], 'the finished check is kept, the stopped one is not');
  });
});

/** The same records under a prefix, as one gate round's scope. */
function memoryJournalOver(journal: ReturnType<typeof memoryJournal>, scope: string): VerificationJournal {
  return {
    recorded: (key) => journal.records.get(`${scope}/${key}`),
    record: async (key, outcome) => void journal.records.set(`${scope}/${key}`, structuredClone(outcome)),
  };
}
