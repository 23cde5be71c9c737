// Plans under review, kept on disk so a window reload (or a crash) does not lose a person's edits.
// One file per dry run in the extension's global storage, outside the workspace: agents cannot
// write it, and Run validates the plan again whatever the file says. Free of `vscode`.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../../core/common/errors';
import { PlanSchema, type Plan } from '../../core/model/planSchema';
import { writeFileAtomic } from '../../core/store/atomicFile';
import { readJsonFile } from '../../core/store/jsonFile';
import { quarantineFile } from '../../core/store/quarantine';
import { RunIdSchema } from '../../protocol/ids';

/** A plan under review as saved: the plan as edited so far, its edit count and the agents it may name. */
export interface SavedPlanDraft {
  plan: Plan;
  version: number;
  agents: string[];
}

const SavedPlanDraftSchema = z.strictObject({
  plan: PlanSchema,
  version: z.number().int().nonnegative(),
  agents: z.array(z.string()),
});

/** Where plans under review are kept between windows. */
export interface PlanDraftStore {
  save(runId: string, draft: SavedPlanDraft): Promise<void>;
  /** The saved review of `runId`, or undefined when there is none (or it was unusable; the store says so). */
  load(runId: string): Promise<SavedPlanDraft | undefined>;
  remove(runId: string): Promise<void>;
}

/** Plans under review as `<dir>/<run id>.json`, written atomically; an unusable file is quarantined with a warning. */
export class PlanDraftFiles implements PlanDraftStore {
  /** Writes of one run, in order: the last edit's file is the one that stays. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly dir: string,
    private readonly warn: (message: string) => void,
  ) {}

  save(runId: string, draft: SavedPlanDraft): Promise<void> {
    const text = `${JSON.stringify(draft)}\n`;
    return this.queue(runId, async (path) => {
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(path, text);
    });
  }

  async load(runId: string): Promise<SavedPlanDraft | undefined> {
    await this.writes.get(runId);
    const path = this.pathOf(runId);
    const read = await readJsonFile(path, SavedPlanDraftSchema);
    if (read.status === 'ok') return read.data;
    if (read.status === 'invalid') {
      const moved = await quarantineFile(path, this.dir, `plan-draft-${runId}`, 'json');
      this.warn(
        `The saved review of plan ${runId} was unusable (${read.reason}); moved it to ${moved}. Run "Plan Goal…" again to review a plan.`,
      );
    }
    return undefined;
  }

  remove(runId: string): Promise<void> {
    return this.queue(runId, (path) => rm(path, { force: true }));
  }

  private queue(runId: string, write: (path: string) => Promise<void>): Promise<void> {
    const next = (this.writes.get(runId) ?? Promise.resolve()).then(() => write(this.pathOf(runId)));
    const settled = next.catch((err) =>
      this.warn(
        `The review of plan ${runId} could not be saved (${errorMessage(err)}); a window reload would lose it.`,
      ),
    );
    this.writes.set(runId, settled);
    void settled.then(() => {
      if (this.writes.get(runId) === settled) this.writes.delete(runId);
    });
    return settled;
  }

  /** A run id is checked before it becomes part of a path. */
  private pathOf(runId: string): string {
    if (!RunIdSchema.safeParse(runId).success) throw new Error(`"${runId}" is not a run id`);
    return join(this.dir, `${runId}.json`);
  }
}
