import assert from 'node:assert/strict';
import { defaultStateDir } from '../../../src/cli/stateDir';

describe('defaultStateDir', () => {
  const home = '/home/ada';

  it('prefers AGENT_ORCHESTRATOR_HOME on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      assert.equal(defaultStateDir({ env: { AGENT_ORCHESTRATOR_HOME: '/srv/ao' }, platform, home }), '/srv/ao');
    }
  });

  it('uses XDG_STATE_HOME or ~/.local/state on Linux, ignoring a relative XDG value', () => {
    assert.equal(
      defaultStateDir({ env: { XDG_STATE_HOME: '/xdg/state' }, platform: 'linux', home }),
      '/xdg/state/agent-orchestrator',
    );
    assert.equal(defaultStateDir({ env: {}, platform: 'linux', home }), '/home/ada/.local/state/agent-orchestrator');
    assert.equal(
      defaultStateDir({ env: { XDG_STATE_HOME: 'relative' }, platform: 'linux', home }),
      '/home/ada/.local/state/agent-orchestrator',
    );
  });

  it('uses Application Support on macOS and LOCALAPPDATA on Windows', () => {
    assert.equal(
      defaultStateDir({ env: {}, platform: 'darwin', home }),
      '/home/ada/Library/Application Support/agent-orchestrator',
    );
    assert.equal(
      defaultStateDir({
        env: { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
        platform: 'win32',
        home: 'C:\\Users\\ada',
      }),
      'C:\\Users\\ada\\AppData\\Local\\agent-orchestrator',
    );
    assert.equal(
      defaultStateDir({ env: {}, platform: 'win32', home: 'C:\\Users\\ada' }),
      'C:\\Users\\ada\\AppData\\Local\\agent-orchestrator',
    );
  });
});
