import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { AgentOrchestratorApi } from './api/agentOrchestratorApi';
import { requireWithCodeCache } from '../core/common/codeCachedModule';

/** The extension bundle's exports (src/host/extension.ts). */
interface ExtensionModule {
  activate(context: vscode.ExtensionContext): AgentOrchestratorApi;
  deactivate(): void;
  /** Resolves once the engine bundle's code cache is written (the engine loads after activation). */
  whenCodeCacheSaved(): Promise<void>;
}

let extension: ExtensionModule | undefined;
let cacheSaved: Promise<void> = Promise.resolve();

/**
 * The extension's `main`: loads dist/extension.js (activation: the first screen) through V8's code
 * cache kept in the extension's global storage, then activates it; that bundle loads the engine
 * bundle (dist/engine.js) the same way, after activation. Compiling the bundle is a third of a cold activation; from
 * the second start on, V8 reads the compiled code instead. The cache is written after `activate()`
 * returns, so it also holds the functions activation ran.
 */
export function activate(context: vscode.ExtensionContext): AgentOrchestratorApi {
  const loaded = requireWithCodeCache(
    join(__dirname, 'extension.js'),
    join(context.globalStorageUri.fsPath, 'code-cache'),
  );
  extension = loaded.exports as unknown as ExtensionModule;
  const api = extension.activate(context);
  cacheSaved = loaded.saveCache();
  return api;
}

/** Passes VS Code's call on to the bundle. */
export function deactivate(): void {
  extension?.deactivate();
}

/**
 * Resolves once the code cache of this activation is written, and the engine bundle's too if the
 * engine was loaded by then (the footprint bench waits for both before exiting).
 */
export async function whenCodeCacheSaved(): Promise<void> {
  await cacheSaved;
  await extension?.whenCodeCacheSaved();
}
