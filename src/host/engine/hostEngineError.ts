/** What the user can do about a {@link HostEngineError}; the host shows `label` as a button and maps `id` to its command. */
export interface HostEngineAction {
  /** setApiKey: Set API Key; useVscodeModels: set `agentOrchestrator.provider` to `vscode-lm`; useDemo: set it to `demo`; manageTrust: `workbench.trust.manage`; openSettings: the extension's settings. */
  id: 'setApiKey' | 'useVscodeModels' | 'useDemo' | 'manageTrust' | 'openSettings';
  label: string;
}

/** The actions, by id. */
export const HOST_ENGINE_ACTIONS: Readonly<Record<HostEngineAction['id'], HostEngineAction>> = Object.freeze({
  setApiKey: Object.freeze({ id: 'setApiKey', label: 'Set API Key' }),
  useVscodeModels: Object.freeze({ id: 'useVscodeModels', label: 'Use VS Code Models' }),
  useDemo: Object.freeze({ id: 'useDemo', label: 'Use Offline Demo' }),
  manageTrust: Object.freeze({ id: 'manageTrust', label: 'Manage Workspace Trust' }),
  openSettings: Object.freeze({ id: 'openSettings', label: 'Open Settings' }),
});

/**
 * The engine cannot be built (no key, an untrusted workspace, a refused base URL host…). The
 * message says why and what to do; `actions` are the buttons to offer with it.
 */
export class HostEngineError extends Error {
  override readonly name = 'HostEngineError';

  constructor(
    message: string,
    /** What the user can do next, best first. */
    readonly actions: readonly HostEngineAction[] = [],
  ) {
    super(message);
  }
}
