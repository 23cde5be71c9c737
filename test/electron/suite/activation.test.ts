import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedExtension, type Manifest } from './activatedExtension';

describe('extension host: activation', function () {
  it('activates from the Extension Development Host', async function () {
    const extension = await activatedExtension();
    assert.equal(extension.isActive, true);
  });

  it('registers every command its manifest contributes', async function () {
    const extension = await activatedExtension();
    const contributed = (extension.packageJSON as Manifest).contributes.commands.map(({ command }) => command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((command) => !registered.has(command)),
      [],
      'contributed but not registered',
    );
  });

  it('has the Runs view in its own activity-bar container, and can focus it', async function () {
    const extension = await activatedExtension();
    const { views, viewsContainers } = (extension.packageJSON as Manifest).contributes;
    assert.ok(viewsContainers.activitybar.some(({ id }) => id === 'agentOrchestrator'));
    assert.ok(views.agentOrchestrator?.some(({ id }) => id === 'agentOrchestrator.runs'));
    // `<viewId>.focus` exists only for a registered view; it reveals the container and the view.
    await vscode.commands.executeCommand('agentOrchestrator.runs.focus');
  });
});
