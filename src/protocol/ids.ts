// Shapes of the identifiers a webview may name. None of them can carry a command id's arguments
// or a path of the host's choosing: the host only acts on ids it sent and still knows.
import * as z from 'zod';
import { lazySchema } from './lazySchema';

/** A run id as the store accepts it: letters, digits, ".", "_", "-", at most 128 characters. */
export const RunIdSchema = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a run id is 1 to 128 letters, digits, ".", "_" or "-"'),
);

/** A task id as a plan accepts it: letters, digits, ".", "_", "-", at most 64 characters. */
export const TaskIdSchema = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a task id is 1 to 64 letters, digits, ".", "_" or "-"'),
);

/** An agent id: letters, digits, ".", "_", "-", at most 64 characters. */
export const AgentIdSchema = lazySchema(() =>
  z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'an agent id is 1 to 64 letters, digits, ".", "_" or "-"'),
);

/**
 * An approval id the host sent (`<task>:edit:<path>:<digest>`); printable, at most 1,024
 * characters. The host looks it up among the approvals it is waiting for and ignores any other.
 */
export const ApprovalIdSchema = lazySchema(() =>
  z
    .string()
    .min(1, 'an approval id must not be empty')
    .max(1024, 'an approval id is at most 1,024 characters')
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'an approval id has no control characters'),
);
