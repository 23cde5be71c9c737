import * as posix from 'node:path/posix';
import type { Finding } from '../model/finding';
import { fileOfLocation } from './findingKey';

/** What attribution knows about the task whose gate is judged. */
export interface AttributionInput {
  /** Workspace-relative files (forward slashes) the task edited. */
  edited: readonly string[];
  /** Reads a workspace file, to see what a failing test file imports; undefined when it cannot. */
  readText?(path: string): Promise<string | undefined>;
}

/** New findings split by whether they can be laid at the task's door. */
export interface Attribution {
  /** Findings that name a file the task edited, or failing tests of such a file. */
  own: Finding[];
  /** Everything else: possibly another task's unfinished work. */
  others: Finding[];
}

/**
 * Attributes new findings to the files a task edited. A finding is the task's own when its location
 * or its message names an edited file, or when it is a failing test whose test file belongs to an
 * edited file: the same name stem (`src/math.ts` ↔ `test/math.test.ts`, `test_math.py`) or an
 * import of it (`require('../src/math')`, `from './math.js'`, `from pkg.math import`). Everything
 * else goes to `others`; the caller decides what an unattributed finding means.
 */
export async function attributeFindings(findings: readonly Finding[], input: AttributionInput): Promise<Attribution> {
  const edited = [...new Set(input.edited.map(normalise))];
  const own: Finding[] = [];
  const others: Finding[] = [];
  const importsOf = new Map<string, Promise<string[]>>();
  const imports = (file: string): Promise<string[]> => {
    let found = importsOf.get(file);
    if (!found) importsOf.set(file, (found = readImports(file, input.readText)));
    return found;
  };
  for (const finding of findings) {
    if (await isOwn(finding, edited, imports)) own.push(finding);
    else others.push(finding);
  }
  return { own, others };
}

async function isOwn(
  finding: Finding,
  edited: readonly string[],
  imports: (file: string) => Promise<string[]>,
): Promise<boolean> {
  if (edited.length === 0) return false;
  const file = fileOfLocation(finding.location);
  const located = file === undefined ? undefined : normalise(file);
  if (located !== undefined && edited.includes(located)) return true;
  const text = `${finding.message}\n${finding.key ?? ''}`;
  if (edited.some((path) => mentions(text, path))) return true;
  if (finding.category !== 'test') return false;
  const testFiles = [located, ...filesIn(finding.key ?? '')].filter((f): f is string => f !== undefined);
  for (const testFile of new Set(testFiles)) {
    const stem = stemOf(testFile);
    if (edited.some((path) => path !== testFile && stemOf(path) === stem)) return true;
    const imported = await imports(testFile);
    if (edited.some((path) => imported.some((target) => sameModule(target, path)))) return true;
  }
  return false;
}

/** Whether `text` names `path` as a whole path (not as part of a longer name). */
function mentions(text: string, path: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(path, from);
    if (at === -1) return false;
    const before = at === 0 ? '' : (text[at - 1] ?? '');
    const after = text[at + path.length] ?? '';
    if (
      !/[\w.-]/.test(before) &&
      !/[\w-]/.test(after) &&
      !(after === '.' && /\w/.test(text[at + path.length + 1] ?? ''))
    )
      return true;
    from = at + 1;
  }
}

/** Workspace-relative file paths named in a test key such as `test | test/a.test.ts › suite › name`. */
function filesIn(key: string): string[] {
  return [...key.matchAll(/(?:^|[\s|])((?:[\w.-]+\/)*[\w.-]+\.(?:[cm]?[jt]sx?|py|go|rb|rs))(?=$|[\s:›>])/g)].map((m) =>
    normalise(m[1] ?? ''),
  );
}

/** `test/math.test.ts` → `math`, `tests/test_math.py` → `math`, `src/math.ts` → `math`. */
function stemOf(path: string): string {
  let name = posix.basename(path).toLowerCase();
  name = name.replace(/\.[^.]+$/, '').replace(/\.(?:test|spec|e2e|unit)$/, '');
  return name.replace(/^test_|_test$|_spec$|^test-|-test$|-spec$/g, '');
}

/** Module paths a test file imports, resolved against its folder (relative specifiers) or as dotted Python modules. */
async function readImports(file: string, readText: AttributionInput['readText']): Promise<string[]> {
  let text: string | undefined;
  try {
    text = await readText?.(file);
  } catch {
    text = undefined;
  }
  if (text === undefined) return [];
  const targets: string[] = [];
  const dir = posix.dirname(file);
  for (const m of text.matchAll(/(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"\n]+)['"]/g)) {
    const spec = m[1] ?? '';
    if (spec.startsWith('./') || spec.startsWith('../')) targets.push(normalise(posix.join(dir, spec)));
  }
  if (/\.py$/.test(file)) {
    for (const m of text.matchAll(/^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))/gm)) {
      const dotted = m[1] ?? m[2] ?? '';
      if (dotted !== '' && !dotted.startsWith('.')) targets.push(`**/${dotted.replace(/\./g, '/')}`);
    }
  }
  return targets;
}

/** Whether an import target (without extension, maybe a folder's index, or `**`-prefixed) is the edited file. */
function sameModule(target: string, path: string): boolean {
  const bare = path.replace(/\.[^./]+$/, '');
  const candidates = [bare, bare.replace(/\/index$/, '')];
  if (target.startsWith('**/')) {
    const tail = target.slice(3);
    return candidates.some((c) => c === tail || c.endsWith(`/${tail}`) || c === `${tail}/__init__`);
  }
  const targetBare = target.replace(/\.[cm]?[jt]sx?$/, '');
  return candidates.includes(targetBare) || candidates.includes(`${targetBare}/index`) || path === target;
}

function normalise(path: string): string {
  return posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\//, '');
}
