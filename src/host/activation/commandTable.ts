import * as vscode from 'vscode';
import { Disposable, toDisposable, type DisposableLike } from '../../core/common/disposable';

/** What a command runs; its arguments come from menus, the tree, CodeLenses or `executeCommand`. */
export type CommandHandler = (...args: unknown[]) => unknown;

/** Registers a contributed command's handler (the engine's commands use it in place of `vscode.commands.registerCommand`). */
export type CommandRegistrar = (id: string, run: CommandHandler) => DisposableLike;

/**
 * Every command the manifest contributes, registered with VS Code at activation, before the engine
 * exists. Each one first makes sure the engine is loaded (`ensureEngine`, which loads it there and
 * then if it is not yet), then runs the handler the engine registered with `register`. So a
 * command chosen while the engine is still loading waits for it and then works; when the engine
 * cannot be loaded, `ensureEngine` throws and `onError` shows why.
 */
export class CommandTable extends Disposable {
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly ids: ReadonlySet<string>;

  constructor(
    ids: readonly string[],
    private readonly ensureEngine: () => void,
    private readonly onError: (id: string, error: unknown) => void,
  ) {
    super();
    this.ids = new Set(ids);
    for (const id of this.ids) {
      this._register(vscode.commands.registerCommand(id, (...args: unknown[]) => this.run(id, args)));
    }
  }

  /** The engine's side: the handler of a contributed command, until the returned disposable is disposed. */
  readonly register: CommandRegistrar = (id, run) => {
    if (!this.ids.has(id))
      throw new Error(`${id} is not a command of package.json's contributes.commands; add it there.`);
    if (this.handlers.has(id)) throw new Error(`${id} has a handler already.`);
    this.handlers.set(id, run);
    return toDisposable(() => {
      if (this.handlers.get(id) === run) this.handlers.delete(id);
    });
  };

  private async run(id: string, args: unknown[]): Promise<unknown> {
    try {
      this.ensureEngine();
      const handler = this.handlers.get(id);
      if (!handler) throw new Error(`${id} is not available: the engine registered no handler for it.`);
      return await handler(...args);
    } catch (err) {
      this.onError(id, err);
      return undefined;
    }
  }
}
