import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { LmTool } from '../tools/orchestrateTool';

/**
 * The slice of the language-model tool API (stable since VS Code 1.95) used here. The extension
 * still supports 1.90, whose typings lack it, so it is declared here and looked up at run time.
 */
interface LmToolApi {
  registerTool(name: string, tool: LmTool): vscode.Disposable;
}

/**
 * Registers the manifest's language-model tools at activation (VS Code calls a tool only if its
 * implementation was registered when activation ended); each call is forwarded to the tool the
 * engine provides, which `toolOf` loads the engine for. Where the API is missing (VS Code before
 * 1.95) nothing is registered and the log says so.
 */
export class LmToolRegistration extends Disposable {
  constructor(names: readonly string[], toolOf: (name: string) => LmTool, log: Pick<vscode.LogOutputChannel, 'info'>) {
    super();
    const lm = (vscode.lm as unknown as Partial<LmToolApi> | undefined) ?? {};
    const classes = vscode as unknown as Record<string, unknown>;
    if (typeof lm.registerTool !== 'function' || !classes.LanguageModelToolResult || !classes.LanguageModelTextPart) {
      if (names.length > 0)
        log.info('This VS Code has no language-model tool API (1.95+); the orchestrate tool is not offered.');
      return;
    }
    for (const name of names) {
      this._register(
        lm.registerTool(name, {
          prepareInvocation: (options, token) => toolOf(name).prepareInvocation?.(options, token),
          invoke: async (options, token) => toolOf(name).invoke(options, token),
        }),
      );
    }
  }
}
