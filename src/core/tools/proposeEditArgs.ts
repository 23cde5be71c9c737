import { z } from 'zod';
import { MAX_EDIT_TEXT_CHARS, toolPathArg } from './toolArgLimits';
import { lazySchema } from '../common/lazySchema';

/** What an edit does to its file: new content, search/replace blocks, or deletion. */
export type EditChange =
  | { kind: 'content'; content: string }
  | { kind: 'edits'; edits: Array<{ search: string; replace: string }> }
  | { kind: 'delete' };

/** A parsed propose_edit call. */
export interface ProposeEditArgs {
  path: string;
  change: EditChange;
}

const SearchReplaceBlockSchema = lazySchema(() =>
  z.strictObject({
    search: z
      .string()
      .min(1, 'search must not be empty')
      .max(MAX_EDIT_TEXT_CHARS, `search must be at most ${MAX_EDIT_TEXT_CHARS} characters`)
      .describe('Exact text currently in the file; it must occur exactly once.'),
    replace: z
      .string()
      .max(MAX_EDIT_TEXT_CHARS, `replace must be at most ${MAX_EDIT_TEXT_CHARS} characters`)
      .describe('The text to put in its place.'),
  }),
);

/**
 * propose_edit's arguments: `path` plus exactly one of `content`, `edits` or `delete: true`. One
 * object with a refinement rather than a JSON-schema union, because models fill a flat object more
 * reliably; the refinement tells them which form to pick.
 */
export const ProposeEditArgsSchema = z
  .strictObject({
    path: toolPathArg('Workspace-relative path of the file to change or create.'),
    content: z
      .string()
      .max(
        MAX_EDIT_TEXT_CHARS,
        `content must be at most ${MAX_EDIT_TEXT_CHARS} characters; split a larger file into several smaller files`,
      )
      .optional()
      .describe('The complete new content of the file (use this to create a file).'),
    edits: z
      .array(SearchReplaceBlockSchema)
      .min(1, 'edits must hold at least one block')
      .max(50)
      .optional()
      .describe('Search/replace blocks, applied to the current file; each search must match exactly once.'),
    delete: z.literal(true).optional().describe('Set to true to delete the file.'),
  })
  .superRefine((args, ctx) => {
    const given = (['content', 'edits', 'delete'] as const).filter((k) => args[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          given.length === 0
            ? 'give one of "content" (whole file), "edits" (search/replace blocks) or "delete": true'
            : `give only one of "content", "edits" or "delete", not ${given.map((k) => `"${k}"`).join(' and ')}`,
      });
    }
  })
  .transform((args): ProposeEditArgs => {
    if (args.edits !== undefined) return { path: args.path, change: { kind: 'edits', edits: args.edits } };
    if (args.delete === true) return { path: args.path, change: { kind: 'delete' } };
    return { path: args.path, change: { kind: 'content', content: args.content ?? '' } };
  });
