import { abortReason } from '../../core/common/clock';
import { errorMessage } from '../../core/common/errors';
import { TaskFailure } from '../../core/model/failure';

/** Where a failed `vscode.lm` call went and how far it got. */
export interface LmErrorContext {
  /** `vscode-lm model "gpt-4o"`, for messages. */
  who: string;
  signal: AbortSignal;
  /** True once the answer had started streaming. */
  midStream: boolean;
}

/** The command that picks another model, named in messages. */
export const SELECT_MODEL_HINT = 'pick another with "Orchestrator: Select Provider and Model"';

// Copilot reports a used-up allowance or rate limit without a code of its own.
const QUOTA_TEXT = /quota|rate.?limit|too many requests|exceeded|allowance/i;

/**
 * What the run does about an error of a `vscode.lm` call: no consent pauses the run and asks
 * (`needs-human`), a block or used-up quota pauses it, a model that is gone fails the task with
 * what to pick instead, anything mid-stream is retried and its partial answer dropped. An abort
 * of `signal` is the abort, never a failure.
 */
export function lmFailure(err: unknown, ctx: LmErrorContext): Error {
  if (ctx.signal.aborted) return abortReason(ctx.signal);
  if (err instanceof TaskFailure) return err;
  // VS Code's own messages end with a period; inside our parentheses it would read "….)."
  const detail = errorMessage(err).replace(/\.\s*$/, '');
  const suffix = detail === '' ? '' : ` (${detail})`;
  switch (lmErrorCode(err)) {
    case 'NoPermissions':
      return new TaskFailure(
        `VS Code has not allowed Agent Orchestrator to use ${ctx.who}${suffix}. VS Code asks for consent only for a request you started yourself: resume the run with "Orchestrator: Resume Run" and choose Allow when VS Code asks (or allow it under Accounts > Manage Language Model Access).`,
        'needs-human',
      );
    case 'Blocked':
      return new TaskFailure(
        `VS Code blocked requests to ${ctx.who} for now${suffix}: usually a used-up quota or rate limit. The run is paused; resume it once the limit resets, or ${SELECT_MODEL_HINT}.`,
        'needs-human',
      );
    case 'NotFound':
      return notAvailable(ctx.who, detail);
  }
  if (QUOTA_TEXT.test(detail)) {
    return new TaskFailure(
      `${ctx.who} has used up its quota or rate limit${suffix}. The run is paused; resume it once the limit resets, or ${SELECT_MODEL_HINT}.`,
      'needs-human',
    );
  }
  if (ctx.midStream) {
    return new TaskFailure(`${ctx.who} failed mid-stream${suffix}; the partial answer was discarded.`, 'retryable');
  }
  return new TaskFailure(`${ctx.who} failed${suffix}.`, 'retryable');
}

/** The model is not (or no longer) offered by VS Code: a fatal failure that says what to do. */
export function notAvailable(who: string, detail = ''): TaskFailure {
  return new TaskFailure(
    `${who} is not available in VS Code${detail === '' ? '' : ` (${detail})`}: ${SELECT_MODEL_HINT}, or install and sign in to the extension that provides it (e.g. GitHub Copilot Chat).`,
    'fatal',
  );
}

/** The `code` of a `vscode.LanguageModelError` (`NoPermissions`, `Blocked`, `NotFound`, or a provider's own). */
function lmErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
