import * as vscode from 'vscode';
import { BUILTIN_PROVIDERS } from '../../core/llm/builtinProviders';
import {
  decideKeyHost,
  keyHostQuestion,
  parseConfirmedKeyHosts,
  withConfirmedKeyHost,
  type ConfirmedKeyHosts,
} from './keyHostDecision';

/** globalState key of the confirmed hosts (host names per provider; never a key). */
const STATE_KEY = 'agentOrchestrator.confirmedKeyHosts';

/**
 * Asks, with a modal warning, before an API key goes to a base URL host the user has not
 * confirmed (the provider's own endpoints and loopback hosts need no confirmation). Allowed hosts
 * are remembered in globalState, per provider. Two asks for the same host share one dialog.
 */
export class KeyHostConfirmation {
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly window: Pick<typeof vscode.window, 'showWarningMessage'> = vscode.window,
  ) {}

  /** True when `provider`'s key may be sent to `baseUrl`'s host: no need to ask, or the user chose Allow. */
  async confirm(baseUrl: string, provider: string): Promise<boolean> {
    const decision = decideKeyHost(baseUrl, provider, this.confirmed());
    if (!decision.ask) return true;
    const id = `${provider}\n${decision.host}`;
    let answer = this.pending.get(id);
    if (answer === undefined) {
      answer = this.ask(provider, decision.host, decision.plainHttp).finally(() => this.pending.delete(id));
      this.pending.set(id, answer);
    }
    return answer;
  }

  /** Hosts confirmed for `provider`. */
  confirmedHosts(provider: string): readonly string[] {
    return this.confirmed()[provider] ?? [];
  }

  /** Forgets every confirmed host of `provider`; the next use asks again. */
  async forget(provider: string): Promise<void> {
    const { [provider]: _gone, ...rest } = this.confirmed();
    await this.state.update(STATE_KEY, rest);
  }

  private async ask(provider: string, host: string, plainHttp: boolean): Promise<boolean> {
    const name = BUILTIN_PROVIDERS.get(provider)?.displayName ?? provider;
    const { message, detail } = keyHostQuestion(name, host, plainHttp);
    const allow: vscode.MessageItem = { title: 'Allow' };
    const cancel: vscode.MessageItem = { title: 'Cancel', isCloseAffordance: true };
    const choice = await this.window.showWarningMessage(message, { modal: true, detail }, allow, cancel);
    if (choice !== allow) return false;
    await this.state.update(STATE_KEY, withConfirmedKeyHost(this.confirmed(), provider, host));
    return true;
  }

  private confirmed(): ConfirmedKeyHosts {
    return parseConfirmedKeyHosts(this.state.get<unknown>(STATE_KEY));
  }
}
