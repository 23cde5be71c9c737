import { z } from 'zod';
import type { JsonValue } from '../model/runEvents';
import type { TaskContext } from '../task/agent';

/** The journaled result of an effect a crash cut short: it was not made again on resume. */
const Interrupted = z.strictObject({ interrupted: z.literal(true) });

/** What `effectOnce` found or did. */
export type EffectOutcome =
  | { kind: 'interrupted' }
  | {
      kind: 'done';
      /** The effect's result, from this call or from the journal. */
      value: JsonValue;
      /** Whether the effect ran in this call (false: replayed from the journal). */
      ranNow: boolean;
    };

/**
 * Makes an external effect (a command, an MCP call) at most once across crashes: a journaled
 * `<prefix>-begun:<key>` step comes before the `<prefix>:<key>` step that makes it. A resume that
 * finds the first without the second knows a crash cut the effect short and, since what it did is
 * unknown, records it as interrupted instead of making it again; a finished effect is replayed.
 */
export async function effectOnce(
  task: Pick<TaskContext, 'step'>,
  prefix: string,
  key: string,
  effect: () => Promise<JsonValue>,
): Promise<EffectOutcome> {
  let begunNow = false;
  await task.step(`${prefix}-begun:${key}`, async () => ((begunNow = true), true));
  let ranNow = false;
  const value = await task.step(`${prefix}:${key}`, async (): Promise<JsonValue> => {
    if (!begunNow) return { interrupted: true };
    ranNow = true;
    return effect();
  });
  return Interrupted.safeParse(value).success ? { kind: 'interrupted' } : { kind: 'done', value, ranNow };
}
