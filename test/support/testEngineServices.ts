import { join } from 'node:path';
import { systemClock } from '../../src/core/common/clock';
import { createEngineServices, type EngineServices } from '../../src/core/engine/engineServices';

/**
 * The services of a test engine kept in `dir`: the run store in `dir/state`, the workspace locks
 * in `dir/locks`, the system clock, no rate limits, and warnings to `warn` (dropped by default).
 */
export function testEngineServices(dir: string, warn: (message: string) => void = () => undefined): EngineServices {
  return createEngineServices({
    storeDir: join(dir, 'state'),
    workspaceLocksDir: join(dir, 'locks'),
    clock: systemClock,
    rateLimits: () => undefined,
    warn,
  });
}
