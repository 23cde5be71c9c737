import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from './poll';
import type { WorkbenchSession } from './workbenchSession';

/** The folder the extension keeps its runs in, in the session's globalStorage. */
function runsDir(session: WorkbenchSession): string {
  return join(session.globalStorageDir(), 'runs');
}

/** The ids of the runs the extension stored (their folders' names); none before the first run. */
export function storedRunIds(session: WorkbenchSession): string[] {
  const dir = runsDir(session);
  return existsSync(dir) ? readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory()) : [];
}

/** The id of the session's only run. */
export function onlyRunId(session: WorkbenchSession): string {
  const [runId, ...others] = storedRunIds(session);
  assert.ok(runId !== undefined && others.length === 0, `one run folder under ${runsDir(session)}`);
  return runId;
}

/** A run's events as the extension stored them, typed as the test reads them. */
export function storedEvents<E extends { type: string }>(session: WorkbenchSession, runId: string): E[] {
  return readFileSync(join(runsDir(session), runId, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as E);
}

/** The status a run's journal ends with (its last `run.completed`), or undefined while the run goes on. */
export function completedStatus(session: WorkbenchSession, runId: string): string | undefined {
  const completed = storedEvents<{ type: string; status?: string }>(session, runId).filter(
    (e) => e.type === 'run.completed',
  );
  return completed.at(-1)?.status;
}

/** Waits for a run the extension starts after `before` (the run ids seen earlier) to be stored; returns its id. */
export async function waitForNewRun(
  session: WorkbenchSession,
  before: readonly string[],
  timeoutMs = 30_000,
): Promise<string> {
  return waitUntil(
    'a new run folder in globalStorage',
    () => storedRunIds(session).find((id) => !before.includes(id)),
    {
      timeoutMs,
      describe: () => storedRunIds(session).join(', ') || 'none',
    },
  );
}

/** Waits for the run to complete and returns the status its journal records. */
export async function waitForCompletion(session: WorkbenchSession, runId: string, timeoutMs = 60_000): Promise<string> {
  return waitUntil(`run ${runId} to complete`, () => completedStatus(session, runId), {
    timeoutMs,
    describe: async () =>
      storedEvents<{ type: string }>(session, runId)
        .slice(-5)
        .map((e) => e.type)
        .join(', '),
  });
}
