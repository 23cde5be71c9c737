import { strict as assert } from 'node:assert';
import type { ChatRequest } from '../../../src/core/llm/chatModel';
import { countRequestTokens } from '../../../src/core/llm/requestTokenCount';
import { estimateRequestTokens } from '../../../src/core/llm/tokenEstimate';
import { TaskFailure } from '../../../src/core/model/failure';
import { toMessages, VscodeLmChatModel } from '../../../src/host/lm/vscodeLmChatModel';
import type { LmStreamPart } from '../../../src/host/lm/vscodeLmPort';
import { FakeLm, FakeLmChat, languageModelError, streamOf, type FakeAnswer } from '../../support/fakeVscodeLm';

const ask = (text: string): ChatRequest => ({
  system: 'You are a coder.',
  messages: [{ role: 'user', content: text }],
  maxOutputTokens: 200,
});

function setup(answers: FakeAnswer[], model = 'gpt-4o') {
  const chat = new FakeLmChat('gpt-4o', 'gpt-4o-family', answers);
  const lm = new FakeLm([new FakeLmChat('claude-sonnet', 'claude', []), chat]);
  return { chat, lm, model: new VscodeLmChatModel(lm, model) };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail('expected the call to fail');
}

describe('the vscode-lm chat model', () => {
  it('streams text parts to onText and answers with the whole text, counted by the model', async () => {
    const { chat, model } = setup([
      streamOf({ kind: 'text', value: 'Hel' }, { kind: 'other' }, { kind: 'text', value: 'lo' }),
    ]);
    const deltas: string[] = [];
    const request = ask('Say hello');
    const answer = await model.complete(request, {
      signal: new AbortController().signal,
      onText: (d) => deltas.push(d),
    });
    assert.deepEqual(deltas, ['Hel', 'lo']);
    assert.equal(answer.text, 'Hello');
    assert.equal(answer.stopReason, 'end');
    const sent = chat.sent[0]!;
    assert.deepEqual(sent.messages, [
      { role: 'user', parts: [{ kind: 'text', value: 'You are a coder.' }] },
      { role: 'user', parts: [{ kind: 'text', value: 'Say hello' }] },
    ]);
    assert.match(sent.options.justification, /Agent Orchestrator/);
    const input = sent.messages.reduce((sum, m) => sum + FakeLmChat.tokensOf(m), 0);
    assert.deepEqual(answer.usage, { inputTokens: input, outputTokens: FakeLmChat.tokensOf('Hello'), costUsd: 0 });
    assert.notEqual(input, estimateRequestTokens(request), 'the count must be the model’s, not chars/4');
  });

  it('counts a request with countTokens for the pre-send estimate, once per request', async () => {
    const { chat, model } = setup([streamOf({ kind: 'text', value: 'ok' })]);
    const request: ChatRequest = {
      ...ask('Edit it'),
      tools: [{ name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: {} } }],
    };
    const signal = new AbortController().signal;
    const count = await countRequestTokens(model, request, signal);
    assert.equal(count.source, 'counted');
    const expected =
      [
        { role: 'user', parts: [{ kind: 'text', value: 'You are a coder.' }] },
        { role: 'user', parts: [{ kind: 'text', value: 'Edit it' }] },
      ].reduce((sum, m) => sum + FakeLmChat.tokensOf(m as never), 0) +
      FakeLmChat.tokensOf(
        JSON.stringify([
          { name: 'read_file', description: 'Reads a file', inputSchema: { type: 'object', properties: {} } },
        ]),
      );
    assert.equal(count.tokens, expected);
    const countsBefore = chat.counted.length;
    const answer = await model.complete(request, { signal });
    assert.equal(answer.usage.inputTokens, expected);
    assert.equal(chat.counted.length, countsBefore + 1, 'only the output is counted again');
  });

  it('sends tools and tool results the way vscode.lm takes them, and returns the tool calls it streams', async () => {
    const { chat, model } = setup([
      streamOf(
        { kind: 'text', value: 'Reading.' },
        { kind: 'toolCall', callId: 'c9', name: 'read_file', input: { path: 'b.ts' } },
      ),
    ]);
    const request: ChatRequest = {
      messages: [
        { role: 'user', content: 'Fix a.ts and b.ts' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'c1', name: 'read_file', arguments: { path: 'a.ts' } },
            { id: 'c2', name: 'list_files', arguments: {} },
          ],
        },
        { role: 'tool', toolCallId: 'c1', content: 'export const a = 1;' },
        { role: 'tool', toolCallId: 'c2', content: 'no such folder', isError: true },
      ],
      tools: [
        { name: 'read_file', description: 'Reads a file', parameters: { type: 'object', properties: { path: {} } } },
        { name: 'list_files', description: 'Lists files', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { name: 'read_file' },
      maxOutputTokens: 100,
    };
    const answer = await model.complete(request, { signal: new AbortController().signal });
    const sent = chat.sent[0]!;
    assert.deepEqual(sent.messages.slice(1), [
      {
        role: 'assistant',
        parts: [
          { kind: 'toolCall', callId: 'c1', name: 'read_file', input: { path: 'a.ts' } },
          { kind: 'toolCall', callId: 'c2', name: 'list_files', input: {} },
        ],
      },
      {
        role: 'user',
        parts: [
          { kind: 'toolResult', callId: 'c1', content: 'export const a = 1;' },
          { kind: 'toolResult', callId: 'c2', content: 'Error: no such folder' },
        ],
      },
    ]);
    // A named tool choice: only that tool, and the model must call it.
    assert.deepEqual(sent.options.tools, [
      { name: 'read_file', description: 'Reads a file', inputSchema: { type: 'object', properties: { path: {} } } },
    ]);
    assert.equal(sent.options.toolMode, 'required');
    assert.equal(answer.stopReason, 'tool_use');
    assert.deepEqual(answer.toolCalls, [
      { id: 'c9', name: 'read_file', arguments: { path: 'b.ts' }, rawArguments: '{"path":"b.ts"}' },
    ]);
  });

  it('keeps an empty assistant turn as an empty text, so VS Code gets no message without content', () => {
    const messages = toMessages({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'b' },
      ],
      maxOutputTokens: 10,
    });
    assert.deepEqual(messages[1], { role: 'assistant', parts: [{ kind: 'text', value: '' }] });
  });

  it('selects the model by id, then by family, and "auto" takes the first VS Code offers', async () => {
    const byFamily = setup([streamOf({ kind: 'text', value: 'x' })], 'gpt-4o-family');
    await byFamily.model.complete(ask('hi'), { signal: new AbortController().signal });
    assert.deepEqual(byFamily.lm.selectors, [{ id: 'gpt-4o-family' }, { family: 'gpt-4o-family' }]);
    assert.equal(byFamily.chat.sent.length, 1);

    const first = new FakeLmChat('first', 'f', [streamOf({ kind: 'text', value: 'from first' })]);
    const lm = new FakeLm([first, new FakeLmChat('second', 's', [])]);
    const answer = await new VscodeLmChatModel(lm, 'auto').complete(ask('hi'), {
      signal: new AbortController().signal,
    });
    assert.equal(answer.text, 'from first');
  });

  it('cancels the VS Code request when the signal aborts, and rejects with the abort, not an answer', async () => {
    const controller = new AbortController();
    let started!: () => void;
    const streaming = new Promise<void>((resolve) => (started = resolve));
    const { lm, model } = setup([
      (sent) =>
        (async function* (): AsyncIterable<LmStreamPart> {
          yield { kind: 'text', value: 'partial' };
          started();
          await lm.cancellations.find((c) => c.token === sent.token)!.whenCancelled();
          // VS Code's stream ends quietly once cancelled.
        })(),
    ]);
    const call = model.complete(ask('long job'), { signal: controller.signal });
    await streaming;
    controller.abort(new Error('Cancelled by the user'));
    const err = await rejection(call);
    assert.equal((err as Error).message, 'Cancelled by the user');
    assert.ok(!(err instanceof TaskFailure));
    const source = lm.cancellations.at(-1)!;
    assert.deepEqual([source.cancelled, source.disposed], [true, true]);
  });

  it('disposes the cancellation source after a normal answer without cancelling it', async () => {
    const { lm, model } = setup([streamOf({ kind: 'text', value: 'done' })]);
    await model.complete(ask('hi'), { signal: new AbortController().signal });
    assert.ok(lm.cancellations.length > 0);
    for (const source of lm.cancellations) assert.deepEqual([source.cancelled, source.disposed], [false, true]);
  });

  it('falls back to the marked estimate when countTokens fails after an answer', async () => {
    const { chat, model } = setup([streamOf({ kind: 'text', value: 'hi there' })]);
    chat.countFailure = new Error('tokenizer unavailable');
    const request = ask('hi');
    const answer = await model.complete(request, { signal: new AbortController().signal });
    assert.equal(answer.usage.estimated, true);
    assert.equal(answer.usage.inputTokens, estimateRequestTokens(request));
  });
});

describe('vscode-lm errors become run states', () => {
  const fail = async (answer: FakeAnswer, model = 'gpt-4o'): Promise<TaskFailure> => {
    const err = await rejection(
      setup([answer], model).model.complete(ask('hi'), { signal: new AbortController().signal }),
    );
    assert.ok(err instanceof TaskFailure, String(err));
    return err;
  };

  it('no consent (NoPermissions): the run pauses and asks, saying consent needs a user action', async () => {
    const err = await fail(languageModelError('NoPermissions', 'Access denied'));
    assert.equal(err.failureClass, 'needs-human');
    assert.match(err.message, /has not allowed Agent Orchestrator to use vscode-lm model "gpt-4o" \(Access denied\)/);
    assert.match(err.message, /a request you started yourself/);
    assert.match(err.message, /Resume Run/);
  });

  it('VS Code\'s own message, which ends with a period, is quoted without one (no ".).")', async () => {
    // The text VS Code 1.99 throws when the user cancels its consent question (seen in the workbench test).
    const vscodeText =
      "Language model 'tests.fake-lm/fake-lm-model' cannot be used by 'agent-orchestrator.agent-orchestrator'.";
    const err = await fail(languageModelError('NoPermissions', vscodeText));
    assert.match(
      err.message,
      /\(Language model '.*' cannot be used by 'agent-orchestrator\.agent-orchestrator'\)\. VS Code asks/,
    );
    assert.doesNotMatch(err.message, /\.\)/);
  });

  it('Blocked: the run pauses with a clear message', async () => {
    const err = await fail(languageModelError('Blocked', 'Rate limited'));
    assert.equal(err.failureClass, 'needs-human');
    assert.match(err.message, /blocked requests to vscode-lm model "gpt-4o".*The run is paused/);
  });

  it('a quota error without a code: the run pauses too', async () => {
    const err = await fail(new Error('You have exceeded your premium request allowance.'));
    assert.equal(err.failureClass, 'needs-human');
    assert.match(err.message, /used up its quota.*The run is paused/);
  });

  it('NotFound, or no such model: "not available; pick another" and the task fails', async () => {
    const gone = await fail(languageModelError('NotFound', 'Model was removed'));
    assert.equal(gone.failureClass, 'fatal');
    assert.match(
      gone.message,
      /not available in VS Code \(Model was removed\): pick another with "Orchestrator: Select/,
    );
    const unknown = await fail(streamOf(), 'no-such-model');
    assert.equal(unknown.failureClass, 'fatal');
    assert.match(unknown.message, /vscode-lm model "no-such-model" is not available in VS Code: pick another/);
  });

  it('a failure mid-stream is retryable and its partial answer is not committed', async () => {
    const err = await fail(() =>
      (async function* (): AsyncIterable<LmStreamPart> {
        yield { kind: 'text', value: 'half an ans' };
        throw new Error('connection lost');
      })(),
    );
    assert.equal(err.failureClass, 'retryable');
    assert.match(err.message, /failed mid-stream \(connection lost\); the partial answer was discarded/);
  });
});
