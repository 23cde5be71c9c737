import { startFakeModelServer } from './fakeModelServer/fakeModelServer';
import type { FakeModelServer, FakeModelServerOptions } from './fakeModelServer/fakeModelServer';

/**
 * Registers, inside a `describe`, an `afterEach` that closes every fake model server the returned
 * function started during the test, whatever the outcome.
 */
export function useFakeModelServer(): (options?: FakeModelServerOptions) => Promise<FakeModelServer> {
  const started: FakeModelServer[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.close()));
  });
  return async (options) => {
    const server = await startFakeModelServer(options);
    started.push(server);
    return server;
  };
}
