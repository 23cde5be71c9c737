import type { RunEventBody } from '../model/runEvents';
import type { RunState } from '../model/runState';
import type { VerificationJournal } from '../verify/runVerifier';

/**
 * The journal of the run-level checks of one baseline or one gate round (`scope`): each finished
 * check is recorded as a `verification.completed` event keyed `<scope>:<check>` and made durable
 * before the next one starts; a resume finds it in the folded state and does not run it again.
 */
export function checkJournal(
  runId: string,
  scope: string,
  state: Readonly<RunState>,
  emit: (body: RunEventBody) => void,
  commit: () => Promise<void>,
): VerificationJournal {
  return {
    recorded: (key) => state.checkOutcomes?.[`${scope}:${key}`],
    uniqueKey: (key) => `${runId}:${scope}:${key}`,
    async record(key, outcome) {
      emit({
        type: 'verification.completed',
        name: outcome.step,
        exitCode: outcome.exitCode,
        verdict: outcome.verdict,
        counts: { ...outcome.counts },
        durationMs: outcome.durationMs,
        key: `${scope}:${key}`,
        outcome: {
          step: outcome.step,
          findings: outcome.findings.map((f) => ({ ...f })),
          exitCode: outcome.exitCode,
          output: outcome.output,
          durationMs: outcome.durationMs,
          verdict: outcome.verdict,
          counts: { ...outcome.counts },
          reasons: [...outcome.reasons],
        },
      });
      await commit();
    },
  };
}

/**
 * The scope of the end-of-run gate's next round: its round and how many task attempts the run has
 * made, so a gate interrupted by a crash is finished from its records only while no task ran again.
 */
export function gateScope(state: Readonly<RunState>): string {
  const attempts = Object.values(state.tasks).reduce((n, t) => n + t.attempts.length, 0);
  return `gate:${(state.gate?.round ?? 0) + 1}:${attempts}`;
}
