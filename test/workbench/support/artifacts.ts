import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { REPO_ROOT } from './prerequisites';

/** Where every workbench test keeps its screenshots and, when it fails, its logs (gitignored). */
export const ARTIFACTS_ROOT = join(REPO_ROOT, '.test-artifacts', 'workbench');

/** A file-system-safe folder name for a test title. */
export function artifactName(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'test'
  );
}

/** One test's artefact folder: numbered step screenshots, and logs copied on failure. */
export class Artifacts {
  /** The folder, emptied when the test starts so nothing stale is mistaken for this run. */
  readonly dir: string;
  private step = 0;

  constructor(testTitle: string) {
    this.dir = join(ARTIFACTS_ROOT, artifactName(testTitle));
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** The path of the next step screenshot, numbered so the folder lists in order: `03-run-started.png`. */
  nextScreenshotPath(step: string): string {
    this.step += 1;
    return join(this.dir, `${String(this.step).padStart(2, '0')}-${artifactName(step)}.png`);
  }

  /** Copies a file or folder into `logs/` under the artefact folder; missing sources are ignored. */
  keep(source: string, as = basename(source)): void {
    if (!existsSync(source)) return;
    const target = join(this.dir, 'logs', as);
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    cpSync(source, target, { recursive: true, dereference: true });
  }

  /** The artefact folder relative to the repository, for messages. */
  describe(): string {
    return relative(REPO_ROOT, this.dir) || this.dir;
  }
}

/** Every file under `dir` whose name matches, depth first; empty when `dir` does not exist. */
export function findFiles(dir: string, matches: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(path, matches));
    else if (matches(entry.name)) found.push(path);
  }
  return found;
}
