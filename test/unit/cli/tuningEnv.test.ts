import assert from 'node:assert/strict';
import { tuningFromEnv } from '../../../src/cli/tuningEnv';
import { UsageError } from '../../../src/cli/usageError';

describe('CLI tuning from the environment', () => {
  it('reads the request timeout and the snapshot frequency; unset or empty means the default', () => {
    assert.deepEqual(tuningFromEnv({}), {});
    assert.deepEqual(
      tuningFromEnv({ AGENT_ORCHESTRATOR_REQUEST_TIMEOUT_MS: ' 1500 ', AGENT_ORCHESTRATOR_SNAPSHOT_EVERY: '' }),
      { requestTimeoutMs: 1500 },
    );
    assert.deepEqual(tuningFromEnv({ AGENT_ORCHESTRATOR_SNAPSHOT_EVERY: '20' }), { snapshotEvery: 20 });
  });

  it('refuses a bad value with an error that names the variable and what it needs', () => {
    for (const [name, raw, min] of [
      ['AGENT_ORCHESTRATOR_REQUEST_TIMEOUT_MS', '50', 100],
      ['AGENT_ORCHESTRATOR_REQUEST_TIMEOUT_MS', '1.5s', 100],
      ['AGENT_ORCHESTRATOR_SNAPSHOT_EVERY', '0', 1],
      ['AGENT_ORCHESTRATOR_SNAPSHOT_EVERY', '-3', 1],
    ] as const) {
      assert.throws(
        () => tuningFromEnv({ [name]: raw }),
        (err: unknown) =>
          err instanceof UsageError &&
          err.message === `${name} must be a whole number of at least ${min} (or unset for the default); got "${raw}".`,
      );
    }
  });
});
