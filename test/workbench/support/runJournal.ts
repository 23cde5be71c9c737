import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
