import assert from 'node:assert/strict';
import { join } from 'node:path';
import { vulnerabilityCheck } from '@simple-git/argv-parser';
import { GitRefusedError } from '../../../src/core/checkpoint/gitRefusedError';
import { GitRunner, guardedEntries } from '../../../src/core/checkpoint/gitRunner';
import { systemClock } from '../../../src/core/common/clock';
import { useTestRepo } from './gitTestRepo';

/** Environments with variables the guard refuses, hidden among ordinary ones, in several spellings. */
const ENVIRONMENTS: Array<Record<string, string>> = [
  { PATH: '/usr/bin', HOME: '/home/u', LANG: 'C' },
  { PATH: '/usr/bin', GIT_SSH_COMMAND: 'touch /tmp/x', HOME: '/home/u' },
  { EDITOR: 'vim', PATH: '/usr/bin' },
  { ' Git_Pager ': 'less', LC_ALL: 'C' },
  { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.sshCommand', GIT_CONFIG_VALUE_0: 'touch /tmp/x', TERM: 'xterm' },
  { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'user.name', GIT_CONFIG_VALUE_0: 'A', PAGER: 'more', VISUAL: 'code' },
  { GIT_LITERAL_PATHSPECS: '1', GIT_OPTIONAL_LOCKS: '0', GIT_INDEX_FILE: '/tmp/index', prefix: '/opt', PREFIX2: 'x' },
];

describe('checkpoint/GitRunner: the environment guard reads only the variables it checks', () => {
  const repo = useTestRepo();

  it("the guard's verdict on the picked entries is its verdict on the whole environment", () => {
    for (const env of ENVIRONMENTS) {
      for (const args of [['status'], ['add', '--all', '--', '.'], ['-c', 'core.pager=less', 'log']]) {
        const whole = vulnerabilityCheck(args, env).map((v) => v.message);
        const picked = vulnerabilityCheck(args, guardedEntries(env)).map((v) => v.message);
        assert.deepEqual(picked, whole, JSON.stringify({ env, args }));
      }
    }
    assert.deepEqual(Object.keys(guardedEntries(ENVIRONMENTS[6]!)), [
      'GIT_LITERAL_PATHSPECS',
      'GIT_OPTIONAL_LOCKS',
      'GIT_INDEX_FILE',
      'prefix',
    ]);
  });

  it('still refuses a dangerous variable from the runner, from one command, in any case', async () => {
    const marker = join(repo().home, 'pwned');
    const cases: Array<[Record<string, string>, Record<string, string>]> = [
      [{ GIT_SSH_COMMAND: `touch ${marker}` }, {}],
      [{ ' git_pager ': `touch ${marker}` }, {}],
      [{}, { EDITOR: `touch ${marker}` }],
      [{}, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.fsmonitor', GIT_CONFIG_VALUE_0: `touch ${marker}` }],
    ];
    for (const [runnerEnv, commandEnv] of cases) {
      const git = new GitRunner({ cwd: repo().dir, env: { ...repo().env, ...runnerEnv }, clock: systemClock });
      await assert.rejects(git.run(['status'], { env: commandEnv }), GitRefusedError, JSON.stringify(cases));
    }
    const safe = new GitRunner({ cwd: repo().dir, env: repo().env, clock: systemClock });
    assert.equal((await safe.run(['rev-parse', '--is-inside-work-tree'], { env: { LANG: 'C' } })).trim(), 'true');
  });
});
