/**
 * Runs a plan on a durable store in a child process, printing one line per finished task, so a
 * test can SIGKILL it mid-run. Usage: crashChild.ts <storeRoot> <runId> <effectsFile> <tasks>
 */
import { durableOrchestrator, effectAgent } from './durableWorkload';
import { layeredDag } from './planBuilders';

const [storeRoot, runId, effectsFile, count] = process.argv.slice(2);
if (!storeRoot || !runId || !effectsFile || !count) {
  process.stderr.write('usage: crashChild.ts <storeRoot> <runId> <effectsFile> <tasks>\n');
  process.exit(2);
}
const { orchestrator } = durableOrchestrator(storeRoot, effectAgent(effectsFile, 5), 8);
const handle = orchestrator.start({ goal: 'crash test', runId, plan: layeredDag(Number(count), 20, 2, 7) });
handle.onEvent((e) => {
  if (e.type === 'task.succeeded') process.stdout.write(`done ${e.taskId}\n`);
});
handle.done.then(
  (r) => process.stdout.write(`finished ${r.status}\n`),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
