// The one handle on the host: messages out, the small state VS Code keeps across a reload.
import type { WebviewMessage } from '../src/protocol/messages.js';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the panel keeps across a window reload: only the shown run's id (no model text, no keys). */
export interface SavedPanelState {
  runId?: string;
}

/** Typed access to the host; only protocol messages go out. */
export class HostChannel {
  private readonly api: VsCodeApi = acquireVsCodeApi();

  post(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  saveRunId(runId: string): void {
    this.api.setState({ runId } satisfies SavedPanelState);
  }
}
