import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import type { WorkbenchSession } from './workbenchSession';

/** What a workbench test starts and must shut down, whatever the outcome. */
export interface WorkbenchFixture {
  session?: WorkbenchSession;
  server?: FakeModelServer;
}

/**
 * Registers the teardown every workbench test needs: the session is closed (keeping its logs
 * when the test failed), then the model server. Call it inside a `describe`.
 */
export function useWorkbenchFixture(): WorkbenchFixture {
  const fixture: WorkbenchFixture = {};
  afterEach(async function () {
    await fixture.session?.close(this.currentTest?.state !== 'passed');
    await fixture.server?.close();
    delete fixture.session;
    delete fixture.server;
  });
  return fixture;
}
