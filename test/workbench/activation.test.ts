import assert from 'node:assert/strict';
import { readActivationTime } from './support/activationTime';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

describe('workbench: activation', function () {
  const fx = useWorkbenchFixture();

  it('shows the Agent Orchestrator container, the Runs view and Orchestrate Goal in a real workbench', async function () {
    const session = (fx.session = await WorkbenchSession.start({ title: this.test?.fullTitle() ?? 'activation' }));
    const { workbench } = session;
    await workbench.screenshot('workbench-open');

    // The container exists before activation: it comes from the manifest.
    const container = workbench.activityBarItem('Agent Orchestrator');
    await container.waitFor({ state: 'visible', timeout: 30_000 });

    // Showing the view activates the extension (onView); the welcome content offers the command.
    await workbench.openViewContainer('Agent Orchestrator');
    const runs = workbench.viewPane('Runs');
    await runs.waitFor({ state: 'visible', timeout: 20_000 });
    const welcome = runs.locator('.welcome-view-content');
    await welcome.filter({ hasText: 'No runs yet' }).waitFor({ state: 'visible', timeout: 30_000 });
    const button = welcome.locator('.monaco-button', { hasText: 'Orchestrate Goal' });
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await workbench.screenshot('runs-view-welcome');

    await workbench.runCommand('Orchestrator: Orchestrate Goal');
    const input = workbench.quickInput();
    await input.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await input.inputValue(), '', 'the goal input box starts empty (not the palette)');
    await workbench.screenshot('goal-input-box');
    await input.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });

    const activation = await readActivationTime(session);
    const event = activation.activationEvent ? `, activated by ${activation.activationEvent}` : '';
    const split = activation.breakdown
      ? `; Developer: Startup Performance: load code ${activation.breakdown.loadCodeMs} ms, call activate ${activation.breakdown.callActivateMs} ms, finish activate ${activation.breakdown.finishActivateMs} ms`
      : '';
    process.stdout.write(
      `      activation time reported by the workbench: ${activation.ms} ms ("${activation.shown}" in Developer: Show Running Extensions${event}${split})\n`,
    );
    assert.ok(activation.ms >= 0);
  });
});
