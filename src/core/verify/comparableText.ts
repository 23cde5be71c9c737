// Tool output made comparable between two runs of the same check: what changes from run to run
// without meaning anything (timings, durations, clock times, temporary folders, line numbers) is replaced by a
// placeholder, so a baseline and a later run can be compared line by line and by finding key.
import { outputLines } from './outputLines';

/** Most characters of one comparable line or key; longer ones are cut (the start says what it is). */
export const MAX_COMPARABLE_CHARS = 300;

/** `2024-05-01T12:00:00.123Z`, `2024-05-01 12:00:00`. */
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g;
/** `12:00:03`, `00:01.52` (a clock time or a stopwatch). */
const CLOCK = /\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b/g;
/** `12ms`, `1.5 s`, `0.31s`, `2 minutes`, `3.2 sec`, `500µs`. */
const DURATION =
  /\b\d+(?:[.,]\d+)?\s?(?:ns|µs|us|ms|s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?)\b(?![\w/\\.-])/g;
/** `duration_ms: 12.3`, `"duration": 41`: a number labelled as a duration or a time. */
const LABELLED_NUMBER = /\b(duration(?:_ms)?|elapsed|time|took)(["']?\s*[:=]\s*)\d+(?:[.,]\d+)?/gi;
/**
 * A temporary folder and the randomly named entry under it: `/tmp/ao-xyz12/`, `/var/folders/ab/cd/T/x/`,
 * `/private/var/…`, `C:\Users\me\AppData\Local\Temp\x\`.
 */
const TEMP_PATH =
  /(?:\/private)?\/var\/folders\/[^/\s'"]+\/[^/\s'"]+\/T\/[^/\s'"():]+|(?:\/private)?\/tmp\/[^/\s'"():]+|[A-Za-z]:[\\/](?:Users[\\/][^\\/\s'"]+[\\/]AppData[\\/]Local[\\/]Temp|Windows[\\/]Temp)[\\/][^\\/\s'"():]+/gi;

/** `a.ts:12:5`, `a.ts(12,5)`, `a.py", line 12`: a line number shifts with every edit above it. */
const LINE_REFERENCE = /(\.[A-Za-z0-9]{1,8})(?::\d+(?::\d+)?|\(\d+,\d+\))|(\bline )\d+/g;

/** One line (or message) with timings, durations, clock times and temp paths replaced; whitespace squeezed. */
export function comparableText(text: string): string {
  const plain = text
    .replace(TEMP_PATH, '<tmp>')
    .replace(
      LINE_REFERENCE,
      (_, ext: string | undefined, line: string | undefined) => `${ext ?? line ?? ''}${ext ? ':<line>' : '<n>'}`,
    )
    .replace(TIMESTAMP, '<time>')
    .replace(LABELLED_NUMBER, '$1$2<n>')
    .replace(DURATION, '<time>')
    .replace(CLOCK, '<time>')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > MAX_COMPARABLE_CHARS ? `${plain.slice(0, MAX_COMPARABLE_CHARS - 1)}…` : plain;
}

/** The distinct comparable lines of an output, in order of first appearance, blank lines dropped. */
export function comparableLines(output: string): string[] {
  const seen = new Set<string>();
  for (const line of outputLines(output)) {
    const text = comparableText(line);
    if (text !== '') seen.add(text);
  }
  return [...seen];
}
