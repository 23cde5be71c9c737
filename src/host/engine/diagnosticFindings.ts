import * as path from 'node:path';
import type { Finding, FindingCategory } from '../../core/model/finding';
import { findingLocation } from '../../core/verify/findingLocation';

/** What a `vscode.Diagnostic` says, structurally (severity: 0 error, 1 warning, 2 information, 3 hint). */
export interface DiagnosticLike {
  severity: number;
  message: string;
  source?: string;
  range: { start: { line: number; character: number } };
}

/** The diagnostics of every file at one moment, as comparable keys per file path. */
export type DiagnosticSnapshot = ReadonlyMap<string, ReadonlySet<string>>;

/** Most findings taken from diagnostics for one verification. */
export const MAX_DIAGNOSTIC_FINDINGS = 200;

const SEVERITY: Readonly<Record<number, Finding['severity'] | undefined>> = { 0: 'major', 1: 'medium' };

function keyOf(d: DiagnosticLike): string {
  return `${d.severity}\n${d.range.start.line}:${d.range.start.character}\n${d.source ?? ''}\n${d.message}`;
}

/** Remembers which diagnostics exist now, to tell new ones apart later. */
export function snapshotDiagnostics(
  entries: Iterable<readonly [string, readonly DiagnosticLike[]]>,
): DiagnosticSnapshot {
  const snapshot = new Map<string, Set<string>>();
  for (const [file, diagnostics] of entries) snapshot.set(file, new Set(diagnostics.map(keyOf)));
  return snapshot;
}

/**
 * Findings for the errors and warnings that appeared while a verification ran: in files whose
 * diagnostics changed meanwhile, inside `root`, and not there before. Errors are major, warnings
 * medium; information and hints are left out. Locations are `file:line:col`, relative to `root`.
 */
export function diagnosticFindings(
  before: DiagnosticSnapshot,
  changedFiles: Iterable<string>,
  current: (file: string) => readonly DiagnosticLike[],
  root: string,
  category: FindingCategory,
): Finding[] {
  const findings: Finding[] = [];
  for (const file of [...new Set(changedFiles)].sort()) {
    const rel = path.relative(root, file);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
    const old = before.get(file);
    for (const d of current(file)) {
      const severity = SEVERITY[d.severity];
      if (severity === undefined || old?.has(keyOf(d))) continue;
      if (findings.length >= MAX_DIAGNOSTIC_FINDINGS) return findings;
      findings.push({
        severity,
        category,
        message: d.source ? `${d.source}: ${d.message}` : d.message,
        location: findingLocation(rel.split(path.sep).join('/'), d.range.start.line + 1, d.range.start.character + 1),
      });
    }
  }
  return findings;
}
