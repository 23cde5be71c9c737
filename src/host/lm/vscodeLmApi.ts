import * as vscode from 'vscode';
import { TaskFailure } from '../../core/model/failure';
import type { LmApi, LmChat, LmMessage, LmRequestOptions, LmStreamPart } from './vscodeLmPort';

/** Tool calling in the chat API (VS Code 1.95 and later), which the @types/vscode 1.90 we build against does not declare. */
interface ToolCallingApi {
  LanguageModelTextPart: new (value: string) => object;
  LanguageModelToolCallPart: new (callId: string, name: string, input: object) => object;
  LanguageModelToolResultPart: new (callId: string, content: object[]) => object;
  LanguageModelChatToolMode: { Auto: number; Required: number };
}

type MessageFactory = (content: string | object[]) => vscode.LanguageModelChatMessage;

/** The real `vscode.lm`, adapted to the plain port the `vscode-lm` provider is written (and tested) against. */
export function vscodeLmApi(): LmApi {
  return {
    selectChatModels: async (selector) => (await vscode.lm.selectChatModels(selector)).map(adaptChat),
    createCancellation: () => new vscode.CancellationTokenSource(),
  };
}

function toolCallingApi(): ToolCallingApi | undefined {
  const api = vscode as unknown as Partial<ToolCallingApi>;
  return api.LanguageModelToolCallPart && api.LanguageModelToolResultPart && api.LanguageModelTextPart
    ? (api as ToolCallingApi)
    : undefined;
}

function adaptChat(chat: vscode.LanguageModelChat): LmChat {
  return {
    id: chat.id,
    vendor: chat.vendor,
    family: chat.family,
    name: chat.name,
    maxInputTokens: chat.maxInputTokens,
    async sendRequest(messages, options, token) {
      const api = toolCallingApi();
      if (options.tools !== undefined && api === undefined) {
        throw new TaskFailure(
          `VS Code ${vscode.version} cannot give tools to its language models; agents need VS Code 1.95 or later for the vscode-lm provider.`,
          'fatal',
        );
      }
      const sendOptions = toSendOptions(options, api);
      const response = await chat.sendRequest(
        messages.map((m) => toVscodeMessage(m, api)),
        sendOptions as vscode.LanguageModelChatRequestOptions,
        token as vscode.CancellationToken,
      );
      const stream = (response as { stream?: AsyncIterable<unknown> }).stream;
      return { stream: api && stream ? streamParts(stream, api) : textParts(response.text) };
    },
    countTokens: (text, token) =>
      chat.countTokens(
        typeof text === 'string' ? text : toVscodeMessage(text, toolCallingApi()),
        token as vscode.CancellationToken,
      ),
  };
}

function toSendOptions(options: LmRequestOptions, api: ToolCallingApi | undefined): object {
  const { justification, tools, toolMode } = options;
  if (tools === undefined || api === undefined) return { justification };
  const mode = toolMode === 'required' ? api.LanguageModelChatToolMode.Required : api.LanguageModelChatToolMode.Auto;
  return { justification, tools, toolMode: mode };
}

function toVscodeMessage(message: LmMessage, api: ToolCallingApi | undefined): vscode.LanguageModelChatMessage {
  const make = (
    message.role === 'user' ? vscode.LanguageModelChatMessage.User : vscode.LanguageModelChatMessage.Assistant
  ) as MessageFactory;
  if (api === undefined) {
    // Without tool calling there are no tool parts to send; the text parts carry the turn.
    return make(message.parts.map((p) => (p.kind === 'text' ? p.value : '')).join(''));
  }
  return make(
    message.parts.map((p) => {
      if (p.kind === 'text') return new api.LanguageModelTextPart(p.value);
      if (p.kind === 'toolCall') return new api.LanguageModelToolCallPart(p.callId, p.name, p.input);
      return new api.LanguageModelToolResultPart(p.callId, [new api.LanguageModelTextPart(p.content)]);
    }),
  );
}

async function* streamParts(stream: AsyncIterable<unknown>, api: ToolCallingApi): AsyncIterable<LmStreamPart> {
  for await (const part of stream) {
    if (part instanceof api.LanguageModelTextPart) {
      yield { kind: 'text', value: (part as { value: string }).value };
    } else if (part instanceof api.LanguageModelToolCallPart) {
      const call = part as { callId: string; name: string; input: object };
      yield { kind: 'toolCall', callId: call.callId, name: call.name, input: call.input };
    } else {
      yield { kind: 'other' };
    }
  }
}

async function* textParts(text: AsyncIterable<string>): AsyncIterable<LmStreamPart> {
  for await (const value of text) yield { kind: 'text', value };
}
