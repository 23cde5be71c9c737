import { z } from 'zod';
import { lazySchema } from '../common/lazySchema';

/** How bad a finding is. */
export const SeveritySchema = lazySchema(() => z.enum(['major', 'medium', 'minor']));
/** Where a finding comes from. */
export const FindingCategorySchema = lazySchema(() => z.enum(['build', 'test', 'lint', 'security', 'custom']));

/** One problem found while running or verifying a task. */
export const FindingSchema = lazySchema(() =>
  z.object({
    severity: SeveritySchema,
    category: FindingCategorySchema,
    message: z.string(),
    /** `file:line` when known. */
    location: z.string().optional(),
    /** The task the finding belongs to, when it belongs to one. */
    taskId: z.string().optional(),
    /**
     * What the finding is, stable across runs, for comparing with the run's baseline: a test's name,
     * or tool + file + rule + message; never a line number.
     */
    key: z.string().optional(),
    /** Already there before the first task (in the run's baseline): reported, never fails the run. */
    preExisting: z.boolean().optional(),
  }),
);

export type Severity = z.infer<typeof SeveritySchema>;
export type FindingCategory = z.infer<typeof FindingCategorySchema>;
export type Finding = z.infer<typeof FindingSchema>;
