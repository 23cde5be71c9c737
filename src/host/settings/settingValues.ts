// Reading one setting's value: maps, lists, limits and gate thresholds with a sentence per bad item, and a safe
// rendering of any value for those sentences. Each takes the setting's full name for its messages.
import picomatch from 'picomatch';
import {
  DEFAULT_GATE_THRESHOLDS,
  GateThresholdsError,
  parseGateThresholds,
  type GateThresholds,
} from '../../core/verify/gateThresholds';

/** `{ name: value }`, or `{}` when there is no limit (`null` or absent). */
export function limit<K extends string>(name: K, value: number | null | undefined): Partial<Record<K, number>> {
  return value === undefined || value === null ? {} : ({ [name]: value } as Record<K, number>);
}

/** A map setting: a non-object falls back to `{}`; a bad entry is dropped with its own problem. */
export function entries<T>(
  name: string,
  value: unknown,
  problems: string[],
  check: (name: string, value: unknown) => { value: T } | string,
): Record<string, T> {
  const out: Record<string, T> = {};
  if (value === undefined || value === null) return out;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${name} must be an object (got ${show(value)}); using {}.`);
    return out;
  }
  for (const [entryName, entry] of Object.entries(value)) {
    const result = check(entryName, entry);
    if (typeof result === 'string')
      problems.push(`${name}: the entry ${JSON.stringify(entryName)} ${result}; it is ignored.`);
    else out[entryName] = result.value;
  }
  return out;
}

/** A list setting: a non-array falls back to `[]`; a bad item is dropped with its own problem; duplicates go. */
export function list(
  name: string,
  value: unknown,
  problems: string[],
  what: string,
  check: (item: string) => string | undefined = () => undefined,
): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${name} must be a list of strings (got ${show(value)}); using [].`);
    return [];
  }
  const out: string[] = [];
  value.forEach((item: unknown, index) => {
    const text = typeof item === 'string' ? item.trim() : '';
    const problem = text === '' ? `must be ${what} (got ${show(item)})` : check(text);
    if (problem !== undefined) problems.push(`${name}[${index}] ${problem}; it is ignored.`);
    else if (!out.includes(text)) out.push(text);
  });
  return out;
}

/** Why a glob cannot be used, or undefined when it can. */
export function globProblem(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob, { dot: true });
    return undefined;
  } catch (err) {
    return `is not a valid glob (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** A short, safe rendering of a value for a message: credentials in a URL (`//user:pass@`) are blanked. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = text.replace(/\/\/[^/@\s"]*@/g, '//…@');
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** `"a", "b" or "c"`. */
export function quotedChoice(values: readonly string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/** `verification.thresholds`: a bad value is reported with every problem and falls back to the defaults. */
export function thresholdsSetting(name: string, value: unknown, problems: string[]): GateThresholds {
  if (value === undefined || value === null) return DEFAULT_GATE_THRESHOLDS;
  try {
    return parseGateThresholds(value);
  } catch (err) {
    if (!(err instanceof GateThresholdsError)) throw err;
    problems.push(
      `${name} is not valid (${err.problems.join('; ')}); using the defaults (no new error, no new failing test, any warnings).`,
    );
    return DEFAULT_GATE_THRESHOLDS;
  }
}
