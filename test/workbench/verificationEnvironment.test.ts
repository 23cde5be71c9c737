import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../support/scriptedTeam';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitUntil } from './support/poll';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Write the alpha note';
/** A variable named like a secret in the editor's environment; no verification may see its value. */
const SECRET_NAME = 'AO_WORKBENCH_DEPLOY_TOKEN';
const SECRET_VALUE = `tok-${Math.random().toString(36).slice(2)}-never-in-a-child`;
/** A variable the user allow-lists in `agentOrchestrator.verification.environment`. */
const PASSED_NAME = 'AO_WORKBENCH_PASSED';

const TASKS_JSON = {
  version: '2.0.0',
  tasks: [{ label: 'print env', type: 'shell', command: 'env > labelled-env.txt' }],
};

/** The `NAME=value` lines of an `env` dump, as a map. */
function parseEnv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return vars;
}

describe('workbench: checklist 28: verification tasks in VS Code get a scrubbed environment', function () {
  const fx = useWorkbenchFixture();

  it('blanks the provider key and secret-like variables for a command step and a tasks.json task, and passes allow-listed names', async function () {
    if (process.platform === 'win32') this.skip();
    const server = (fx.server = await startFakeModelServer({
      respond: scriptedTeam(GOAL, [{ id: 'alpha', title: GOAL }]),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'verification environment',
      files: {
        'README.md': '# Notes\n',
        'alpha.txt': 'alpha: first draft\n',
        '.vscode/tasks.json': `${JSON.stringify(TASKS_JSON, null, 2)}\n`,
      },
      prepareWorkspace: initGitRepo,
      env: { [SECRET_NAME]: SECRET_VALUE, [PASSED_NAME]: 'visible' },
      settings: {
        'agentOrchestrator.approvalMode': 'autoApprove',
        'agentOrchestrator.verification.commands': ['env > command-env.txt'],
        'agentOrchestrator.verification.tasks': ['print env'],
        'agentOrchestrator.verification.environment': [PASSED_NAME],
      },
      modelServer: server,
    }));
    const { workbench } = session;

    await orchestrateGoal(workbench, GOAL);
    const dumps: Record<string, Map<string, string>> = {};
    for (const name of ['command-env.txt', 'labelled-env.txt']) {
      const file = join(session.workspace, name);
      dumps[name] = await waitUntil(
        `${name} written by the verification`,
        () => {
          try {
            const vars = parseEnv(readFileSync(file, 'utf8'));
            return vars.has('PATH') ? vars : undefined;
          } catch {
            return undefined;
          }
        },
        { timeoutMs: 90_000 },
      );
    }
    await workbench.screenshot('verification ran');

    for (const [name, vars] of Object.entries(dumps)) {
      const text = readFileSync(join(session.workspace, name), 'utf8');
      assert.ok(!text.includes(SECRET_VALUE), `${name} does not hold the secret-like variable's value`);
      assert.ok(!text.includes(server.apiKey), `${name} does not hold the provider key`);
      assert.equal(vars.get(SECRET_NAME) ?? '', '', `${name}: ${SECRET_NAME} is blank or absent`);
      assert.equal(vars.get('OPENAI_API_KEY') ?? '', '', `${name}: OPENAI_API_KEY is blank or absent`);
      assert.equal(vars.get(PASSED_NAME), 'visible', `${name}: the allow-listed ${PASSED_NAME} is passed`);
    }
  });
});
