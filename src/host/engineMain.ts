import type * as vscode from 'vscode';
import type { EngineHandle, FirstScreenParts } from './activation/engineContract';
import { HostContainer } from './hostContainer';

/**
 * The entry of the engine bundle (dist/engine.js), which activation requires right after it
 * returns or on the first command that comes sooner: builds the engine side of the window on the
 * first screen activation made. The first screen owns what this returns.
 */
export function startEngine(context: vscode.ExtensionContext, screen: FirstScreenParts): EngineHandle {
  return new HostContainer(context, screen);
}
