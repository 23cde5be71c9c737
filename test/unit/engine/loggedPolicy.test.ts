import { strict as assert } from 'node:assert';
import { loggedPolicy } from '../../../src/core/engine/loggedPolicy';
import type { LogLevel, RunEventBody } from '../../../src/core/model/runEvents';
import { RunLogger } from '../../../src/core/observe/runLogger';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import { createTempWorkspace, type TempWorkspace } from '../policy/tempWorkspace';

describe('log level: debug adds each policy decision, error hides info', () => {
  let ws: TempWorkspace;
  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  /** The log events one command check, one denied read, a listed file and one info line write at `level`. */
  async function logAt(level: LogLevel): Promise<Extract<RunEventBody, { type: 'log' }>[]> {
    const events: RunEventBody[] = [];
    const log = new RunLogger((e) => events.push(e), { minLevel: level }).child({ taskId: 't1' });
    const policy = loggedPolicy(new PolicyEngine({ root: ws.root, rules: [...DEFAULT_POLICY_RULES] }), log);
    const verdict = await policy.evaluate({ kind: 'command', tool: 'run_command', command: 'git status' });
    assert.equal(verdict.decision, 'allow', 'the wrapper passes the decision through');
    await policy.evaluate({ kind: 'read', tool: 'read_file', path: '.env' });
    await policy.evaluate({ kind: 'read', tool: 'list_files', path: 'notes.txt' });
    log.info('$ npm test');
    return events.flatMap((e) => (e.type === 'log' ? [e] : []));
  }

  it('debug: one line per decision, naming the rule, with the action in fields; listed files stay quiet', async () => {
    const lines = await logAt('debug');
    const debug = lines.filter((l) => l.level === 'debug');
    assert.equal(debug.length, 2, JSON.stringify(lines));
    assert.match(
      debug[0]?.message ?? '',
      /^Policy: allow — Allowed command "git status" by rule \d+ \(command "git status \*"\)/,
    );
    assert.deepEqual(debug[0]?.fields, {
      action: 'command',
      tool: 'run_command',
      command: 'git status',
      decision: 'allow',
    });
    assert.equal(debug[0]?.taskId, 't1');
    assert.match(debug[1]?.message ?? '', /^Policy: deny — Denied read of "\.env"/);
    assert.equal(lines.filter((l) => l.level === 'info').length, 1);
  });

  it('info: no policy lines; error: the info line is hidden too', async () => {
    assert.deepEqual(
      (await logAt('info')).map((l) => l.level),
      ['info'],
    );
    assert.deepEqual(await logAt('error'), []);
  });
});
