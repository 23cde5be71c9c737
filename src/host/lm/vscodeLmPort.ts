// The slice of VS Code's `vscode.lm` API the `vscode-lm` provider uses, in plain types, so the
// provider's logic runs in Node against a fake; `vscodeLmApi.ts` adapts the real API to it.

/** Which chat models to select; every field optional, like `vscode.LanguageModelChatSelector`. */
export interface LmModelSelector {
  vendor?: string;
  family?: string;
  id?: string;
}

/** A part of a message sent to the model. */
export type LmPart =
  | { kind: 'text'; value: string }
  | { kind: 'toolCall'; callId: string; name: string; input: object }
  | { kind: 'toolResult'; callId: string; content: string };

/** A message of the conversation; VS Code's chat API has user and assistant roles only. */
export interface LmMessage {
  role: 'user' | 'assistant';
  parts: LmPart[];
}

/** A tool the model may call (`vscode.LanguageModelChatTool`). */
export interface LmTool {
  name: string;
  description: string;
  inputSchema: object;
}

/** What `sendRequest` is given besides the messages. */
export interface LmRequestOptions {
  /** Shown in VS Code's consent dialog. */
  justification: string;
  tools?: LmTool[];
  /** `vscode.LanguageModelChatToolMode`: may call a tool, or must call one. */
  toolMode?: 'auto' | 'required';
}

/** A part of the streamed answer; anything else the model sends (data, thinking) is `other` and ignored. */
export type LmStreamPart =
  | { kind: 'text'; value: string }
  | { kind: 'toolCall'; callId: string; name: string; input: object }
  | { kind: 'other' };

/** One chat model VS Code offers (`vscode.LanguageModelChat`). */
export interface LmChat {
  readonly id: string;
  readonly vendor: string;
  readonly family: string;
  readonly name: string;
  readonly maxInputTokens: number;
  sendRequest(
    messages: LmMessage[],
    options: LmRequestOptions,
    token: LmCancellationToken,
  ): PromiseLike<{ stream: AsyncIterable<LmStreamPart> }>;
  countTokens(text: string | LmMessage, token: LmCancellationToken): PromiseLike<number>;
}

/** A `vscode.CancellationToken`, opaque here. */
export type LmCancellationToken = object;

/** A `vscode.CancellationTokenSource`. */
export interface LmCancellation {
  readonly token: LmCancellationToken;
  cancel(): void;
  dispose(): void;
}

/** The `vscode.lm` namespace as the provider needs it. */
export interface LmApi {
  selectChatModels(selector?: LmModelSelector): PromiseLike<readonly LmChat[]>;
  createCancellation(): LmCancellation;
}
