import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { ProviderEntry } from '../../core/llm/providerTable';
import { DEMO_PROVIDER_ID } from '../../demo/demoProvider';
import { vscodeLmApi } from '../lm/vscodeLmApi';
import { lmModelChoices } from '../lm/vscodeLmModelChoices';
import { HOST_PROVIDER_TABLE } from '../lm/vscodeLmProvider';
import { validateApiKey } from '../secrets/apiKeys';
import { readHostSettings, workspaceSettingsApply } from '../settings/hostSettings';
import { command, Commands, type HostServices } from './commandSupport';
import { modelChoices, priceText } from './modelChoices';

/** Set API Key and Select Provider and Model. */
export class ProviderCommands extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(command(services, Commands.setApiKey, (arg) => setApiKey(services, arg)));
    this._register(command(services, Commands.selectModel, () => selectModel()));
  }
}

/**
 * Stores a provider's key in SecretStorage (the OS keychain) from a password box; the key is never
 * shown, logged or echoed. A stored key can also be removed here.
 */
async function setApiKey(services: HostServices, arg: unknown): Promise<void> {
  type Item = vscode.QuickPickItem & { provider: ProviderEntry; remove?: true };
  const items: Item[] = [];
  const providers = services.keys.keyedProviders();
  for (const provider of providers) {
    const found = await services.keys.lookup(provider.id);
    const status = !found
      ? vscode.l10n.t('no key')
      : found.source === 'secretStorage'
        ? vscode.l10n.t('key stored')
        : vscode.l10n.t('key from {0}', provider.keyEnvVar);
    items.push({
      label: provider.displayName,
      description: status,
      detail: provider.detail === undefined ? undefined : vscode.l10n.t(provider.detail),
      provider,
    });
  }
  for (const provider of providers) {
    if ((await services.keys.lookup(provider.id))?.source === 'secretStorage') {
      items.push({
        label: `$(trash) ${vscode.l10n.t('Remove the stored {0} key', provider.displayName)}`,
        provider,
        remove: true,
      });
    }
  }
  const preset = typeof arg === 'string' ? items.find((i) => i.provider.id === arg && !i.remove) : undefined;
  const picked =
    preset ??
    (await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Set API Key'),
      placeHolder: vscode.l10n.t('Which provider?'),
    }));
  if (!picked) return;
  const name = picked.provider.displayName;
  if (picked.remove) {
    await services.keys.delete(picked.provider.id);
    services.log.info(`The stored ${name} API key was removed.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('The stored {0} key was removed.', name));
    return;
  }
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('{0} API Key', name),
    prompt: vscode.l10n.t('Stored in the OS keychain through VS Code SecretStorage; never in settings, files or logs.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (validateApiKey(value) === undefined ? undefined : vscode.l10n.t(validateApiKey(value)!)),
  });
  if (key === undefined) return;
  services.scrubber.add(key.trim());
  await services.keys.set(picked.provider.id, key);
  services.log.info(`A ${name} API key was stored in SecretStorage.`);
  void vscode.window.showInformationMessage(vscode.l10n.t('The {0} key is stored in the OS keychain.', name));
}

/** Writes `agentOrchestrator.provider` and `agentOrchestrator.model` to the user settings. */
async function selectModel(): Promise<void> {
  const current = readHostSettings().settings;
  type ProviderItem = vscode.QuickPickItem & { provider: string; entry?: ProviderEntry };
  const table = HOST_PROVIDER_TABLE.list();
  const providers: ProviderItem[] = [
    {
      label: vscode.l10n.t('Automatic'),
      detail: vscode.l10n.t(
        'The provider whose API key is set ({0} first); without a key, the offline demo is offered.',
        table[0]?.displayName ?? '',
      ),
      provider: 'auto',
    },
    ...table.map((entry) => ({
      label: entry.displayName,
      ...(entry.detail === undefined ? {} : { detail: vscode.l10n.t(entry.detail) }),
      provider: entry.id,
      entry,
    })),
    {
      label: vscode.l10n.t('Offline demo'),
      detail: vscode.l10n.t('A scripted local server that shows a whole run without a key. Not a real model.'),
      provider: DEMO_PROVIDER_ID,
    },
  ];
  for (const p of providers) if (p.provider === current.provider) p.description = vscode.l10n.t('current');
  const provider = await vscode.window.showQuickPick(providers, {
    title: vscode.l10n.t('Select Provider and Model'),
    placeHolder: vscode.l10n.t('Which provider runs the planner and the agents?'),
  });
  if (!provider) return;
  let model = '';
  if (provider.entry) {
    type ModelItem = vscode.QuickPickItem & { model?: string };
    const offered = provider.entry.keyless ? await lmModelChoices(vscodeLmApi()) : [];
    if (provider.entry.keyless && offered.length === 0) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          'VS Code offers no language models yet: install and sign in to an extension that provides them (e.g. GitHub Copilot Chat), then choose again.',
        ),
      );
      return;
    }
    const items: ModelItem[] = [
      provider.entry.keyless
        ? { label: vscode.l10n.t('First model VS Code offers'), description: '', model: '' }
        : { label: vscode.l10n.t('Provider default'), description: '', model: '' },
      ...(provider.entry.keyless
        ? offered
        : modelChoices(provider.entry, HOST_PROVIDER_TABLE).map((c) => ({
            label: c.model,
            description: priceText(c.price),
            model: c.model,
          }))),
      {
        label: vscode.l10n.t('Other…'),
        detail: vscode.l10n.t('Type a model name, e.g. one served by Ollama or OpenRouter'),
      },
    ];
    for (const i of items)
      if (i.model !== undefined && i.model === current.model && current.provider === provider.provider)
        i.description = `${i.description ? `${i.description} · ` : ''}${vscode.l10n.t('current')}`;
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Select Provider and Model'),
      placeHolder: vscode.l10n.t('Which model?'),
    });
    if (!picked) return;
    if (picked.model === undefined) {
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('Model name'),
        value: current.provider === provider.provider ? current.model : '',
        ignoreFocusOut: true,
        validateInput: (v) =>
          /^\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter a model name without spaces.'),
      });
      if (typed === undefined) return;
      model = typed.trim();
    } else {
      model = picked.model;
    }
  }
  const config = vscode.workspace.getConfiguration('agentOrchestrator');
  await config.update('provider', provider.provider, vscode.ConfigurationTarget.Global);
  await config.update('model', model, vscode.ConfigurationTarget.Global);
  const shadowed = ['provider', 'model'].some((key) => {
    const inspected = config.inspect(key);
    return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
  });
  const text = model
    ? vscode.l10n.t('Agent Orchestrator uses {0} with {1}.', provider.label, model)
    : vscode.l10n.t('Agent Orchestrator uses {0} with its default model.', provider.label);
  void vscode.window.showInformationMessage(
    shadowed && workspaceSettingsApply()
      ? `${text} ${vscode.l10n.t('This workspace sets its own provider or model, which takes precedence here.')}`
      : text,
  );
}
