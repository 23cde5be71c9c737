import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { AgentOrchestratorApi } from './api/agentOrchestratorApi';
import type { EngineHandle, EngineModule, FirstScreenParts } from './activation/engineContract';
import { FirstScreen } from './activation/firstScreen';
import { isSdkBundle, requireWithCodeCache } from '../core/common/codeCachedModule';

/** Starts the engine on the first screen's parts. */
export type EngineStarter = (screen: FirstScreenParts) => EngineHandle;

let engineCacheSaved: Promise<void> = Promise.resolve();

/** How long after an SDK bundle loads its code cache is written: its first request has run by then. */
const SDK_CACHE_DELAY_MS = 5_000;

/**
 * Builds the first screen (views, status bar, commands, the API) and returns at once; the engine
 * bundle is loaded right after, or by the first command that comes sooner. Activation comes from
 * the contributed commands and views only. `startEngine` is for tests, which start the engine
 * from the sources; VS Code passes only the context, and the engine comes from dist/engine.js.
 */
export function activate(
  context: vscode.ExtensionContext,
  startEngine: EngineStarter = engineBundle(context),
): AgentOrchestratorApi {
  // The root owner: the first screen owns the engine once it is loaded.
  const container = new FirstScreen(context, startEngine);
  context.subscriptions.push(container);
  return container.api;
}

/** The first screen is owned by `context.subscriptions`, which VS Code disposes. */
export function deactivate(): void {}

/** Resolves once the engine bundle's code cache is written, if the engine was loaded (the footprint bench waits for it). */
export function whenCodeCacheSaved(): Promise<void> {
  return engineCacheSaved;
}

/**
 * Requires dist/engine.js (beside this bundle) through V8's code cache, like extensionLoader.ts
 * does for this bundle, and starts it; the cache is written once the engine is built, so it holds
 * the functions construction ran. The engine's requires of the provider SDKs (dist/sdk/*.js) go
 * through the cache too. An SDK loads on its provider's first request, long after the engine's
 * cache was written, and the extension host does not exit soon: its cache is written a few
 * seconds after it loaded, on an unref'd timer, so it holds what that first request compiled.
 */
function engineBundle(context: vscode.ExtensionContext): EngineStarter {
  return (screen) => {
    const loaded = requireWithCodeCache(
      join(__dirname, 'engine.js'),
      join(context.globalStorageUri.fsPath, 'code-cache'),
      {
        cachedRequires: isSdkBundle,
        saveRequiredAfterMs: SDK_CACHE_DELAY_MS,
      },
    );
    const engine = (loaded.exports as unknown as EngineModule).startEngine(context, screen);
    engineCacheSaved = loaded.saveCache();
    return engine;
  };
}
