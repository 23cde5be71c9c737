// Child process: adds one attempt for agent "coder" `count` times, one addDeltas call each,
// racing another process doing the same on the same storage root.
import { FileAgentStatsStore } from '../../../../src/core/store/agentStatsFile';

const [root, countText] = process.argv.slice(2);
if (!root || !countText) throw new Error('usage: agentStatsAdder <root> <count>');
const store = new FileAgentStatsStore({ root, lockTimeoutMs: 10_000 });

void (async () => {
  for (let i = 0; i < Number(countText); i++) {
    await store.addDeltas({
      coder: { attempts: 1, successes: 1, failures: 0, totalDurationMs: 10, tokens: 5, costUsd: 0.5 },
    });
  }
})();
