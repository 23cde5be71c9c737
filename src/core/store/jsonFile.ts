import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { errorMessage } from '../common/errors';
import { neutraliseText } from '../common/visibleText';

/** What reading a JSON file of the store found. */
export type JsonFileRead<T> = { status: 'ok'; data: T } | { status: 'missing' } | { status: 'invalid'; reason: string };

/** The first problem of a zod error, as `field: message`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** Reads and validates a JSON file; a missing file and bad content are results, other I/O errors are thrown. */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<JsonFileRead<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // The parser quotes the file; its control characters must not reach a terminal.
    return { status: 'invalid', reason: `it is not JSON (${neutraliseText(errorMessage(err)).text})` };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { status: 'ok', data: parsed.data }
    : { status: 'invalid', reason: describeZodError(parsed.error) };
}
