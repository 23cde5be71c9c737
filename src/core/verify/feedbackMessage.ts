import type { Finding, Severity } from '../model/finding';

/** Options for {@link formatFindingsForAgent}. */
export interface FeedbackOptions {
  /** The command, task or step name that was verified, shown in backticks. */
  command?: string;
  /** The verdict being reported; `fail` unless said otherwise. */
  verdict?: 'fail' | 'warn';
  /** Most findings listed; the rest are counted. Default 20. */
  maxFindings?: number;
  /** Hard upper bound on the text's length. Default 4000. */
  maxChars?: number;
}

const SEVERITY_ORDER: Record<Severity, number> = { major: 0, medium: 1, minor: 2 };
/** A single finding never gets less room than this while others are listed. */
const MIN_ENTRY_CHARS = 160;
/** Continuation lines kept under one finding. */
const MAX_ENTRY_LINES = 10;

/**
 * A compact, bounded text that tells an agent what a verification found, most severe first:
 * "Verification `npm test` failed: 2 major findings:\n- test/a.test.ts:10 — should add: …".
 * At most `maxFindings` are listed and the whole text never exceeds `maxChars`; what is left out
 * is counted. Each finding gets a fair share of the room, so one long stack cannot crowd out the rest.
 */
export function formatFindingsForAgent(findings: readonly Finding[], options: FeedbackOptions = {}): string {
  const maxFindings = Math.max(0, Math.floor(options.maxFindings ?? 20));
  const maxChars = Math.max(1, Math.floor(options.maxChars ?? 4000));
  const subject = options.command === undefined ? 'Verification' : `Verification \`${options.command}\``;
  const outcome = (options.verdict ?? 'fail') === 'fail' ? 'failed' : 'passed with warnings';
  if (findings.length === 0) return cut(`${subject} ${outcome}.`, maxChars);

  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const header = `${subject} ${outcome}: ${countSummary(sorted)}:`;
  if (header.length >= maxChars) return cut(header, maxChars);

  const tagged = new Set(sorted.map((finding) => finding.severity)).size > 1;
  const candidates = sorted.slice(0, maxFindings);
  const trailerRoom = 48;
  const share = Math.max(
    MIN_ENTRY_CHARS,
    Math.floor((maxChars - header.length - trailerRoom) / Math.max(1, candidates.length)),
  );
  const lines = [header];
  let length = header.length;
  let shown = 0;
  for (const finding of candidates) {
    const entry = cut(formatEntry(finding, tagged), share);
    const remainingAfter = sorted.length - shown - 1;
    const reserve = remainingAfter > 0 ? trailerRoom : 0;
    if (length + 1 + entry.length + reserve > maxChars) break;
    lines.push(entry);
    length += 1 + entry.length;
    shown++;
  }
  const hidden = sorted.length - shown;
  if (hidden > 0) lines.push(`…and ${hidden} more finding${hidden === 1 ? '' : 's'} not shown.`);
  return cut(lines.join('\n'), maxChars);
}

/** "2 major findings, 1 minor finding". */
function countSummary(findings: readonly Finding[]): string {
  const counts: Record<Severity, number> = { major: 0, medium: 0, minor: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return (Object.keys(counts) as Severity[])
    .filter((severity) => counts[severity] > 0)
    .map((severity) => `${counts[severity]} ${severity} finding${counts[severity] === 1 ? '' : 's'}`)
    .join(', ');
}

/** "- [minor] file:line — message", continuation lines indented under it. */
function formatEntry(finding: Finding, tagged: boolean): string {
  const tag = tagged ? `[${finding.severity}] ` : '';
  const where = finding.location === undefined || finding.location === '' ? '' : `${finding.location} — `;
  const [first = '', ...rest] = finding.message.split(/\r?\n/).filter((line) => line.trim() !== '');
  const more = rest.slice(0, MAX_ENTRY_LINES).map((line) => `  ${line.trimEnd()}`);
  if (rest.length > MAX_ENTRY_LINES) more.push('  …');
  return [`- ${tag}${where}${first.trim()}`, ...more].join('\n');
}

/** `text` shortened to `max` characters, ending in "…" when cut. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
