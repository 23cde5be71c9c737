import { readActivationTime, type ActivationTime } from '../workbench/support/activationTime';
import { describeMissing, missingPrerequisites } from '../workbench/support/prerequisites';
import { WorkbenchSession } from '../workbench/support/workbenchSession';

/** Our activation in a real VS Code, as the workbench itself reports it: the first start and one after a reload. */
export type WorkbenchActivation =
  { measured: true; cold: ActivationTime; warm: ActivationTime } | { measured: false; reason: string };

/**
 * Starts the workbench the workbench tests use (code-server + headless Chromium, dist/ as built),
 * opens our view (which activates the extension) and reads "Developer: Show Running Extensions";
 * then "Developer: Reload Window" and reads it again. The first start has no code cache yet; the
 * reload uses the one the first start wrote. Nothing is installed here: without code-server or
 * Chromium the reason is returned (`npm run bench` installs them first unless `--no-install`, and
 * so does `npm run test:workbench`).
 */
export async function measureWorkbenchActivation(log: (line: string) => void): Promise<WorkbenchActivation> {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    return { measured: false, reason: missing.map(describeMissing).join('; ') };
  }
  let session: WorkbenchSession | undefined;
  let failed = true;
  try {
    log('footprint: starting code-server and Chromium for the real-workbench activation time');
    session = await WorkbenchSession.start({ title: 'bench footprint activation' });
    const cold = await activateAndRead(session);
    log(`footprint: workbench activation, first start ${cold.ms} ms; reloading the window`);
    await session.workbench.reload();
    const warm = await activateAndRead(session);
    failed = false;
    return { measured: true, cold, warm };
  } catch (error) {
    return { measured: false, reason: `the workbench run failed: ${error instanceof Error ? error.message : error}` };
  } finally {
    await session?.close(failed);
  }
}

/** Shows the Runs view (activation by `onView`), waits for its welcome content, then reads the activation time. */
async function activateAndRead(session: WorkbenchSession): Promise<ActivationTime> {
  const { workbench } = session;
  await workbench.openViewContainer('Agent Orchestrator');
  await workbench
    .viewPane('Runs')
    .locator('.welcome-view-content')
    .filter({ hasText: 'No runs yet' })
    .waitFor({ state: 'visible', timeout: 60_000 });
  return readActivationTime(session);
}
