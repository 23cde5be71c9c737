import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The code-server release the workbench tests run against (VS Code 1.99, the last line on Node 20). */
export const CODE_SERVER_VERSION = '4.99.4';

/** The repository root. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** Debian's Chromium, the default browser of the tests. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The installer that fills {@link codeServerDir} (and, as root, apt-installs Chromium and the build packages). */
export const INSTALL_SCRIPT = 'scripts/installCodeServer.sh';

/** `<home>/<version>`: the folder scripts/installCodeServer.sh installs into (home overridable with AO_CODE_SERVER_HOME). */
export function codeServerInstallDir(): string {
  const home = process.env.AO_CODE_SERVER_HOME || join(REPO_ROOT, '.cache', 'code-server');
  return join(home, CODE_SERVER_VERSION);
}

/** The code-server package folder that scripts/installCodeServer.sh fills. */
export function codeServerDir(): string {
  return join(codeServerInstallDir(), 'node_modules', 'code-server');
}

/** code-server's Node entry point. */
export function codeServerEntry(): string {
  return join(codeServerDir(), 'out', 'node', 'entry.js');
}

/**
 * Whether a finished install for this Node major is there: the same test as the installer's.
 * The installer writes `.installed` last, so a half-finished install counts as missing; its
 * native modules are built for one Node ABI, so another Node major needs a fresh install.
 */
export function codeServerInstalled(): boolean {
  const marker = join(codeServerInstallDir(), '.installed');
  if (!existsSync(marker) || !existsSync(codeServerEntry())) return false;
  const nodeMajor = process.versions.node.split('.')[0];
  return readFileSync(marker, 'utf8').includes(`node v${nodeMajor}.`);
}

/** The Chromium the tests drive: AO_CHROMIUM_PATH, else Debian's. */
export function chromiumPath(): string {
  return process.env.AO_CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/** The built extension the tests install into code-server. */
export function extensionBundle(): string {
  return join(REPO_ROOT, 'dist', 'extension.js');
}

/** One missing piece: what is wrong and the command that fixes it. */
export interface MissingPrerequisite {
  problem: string;
  /** Why it is still missing (e.g. how the install failed), for the notice; not in the pending test's title. */
  detail?: string;
  fix: string;
}

/** One missing prerequisite on one line: the problem, its fix, and why an install failed when it did. */
export function describeMissing(m: MissingPrerequisite): string {
  return `${m.problem} (fix: ${m.fix}${m.detail ? `; ${m.detail}` : ''})`;
}

/** Each missing piece, as something a human can act on; empty when the workbench tests can run. */
export function missingPrerequisites(): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  if (!codeServerInstalled()) {
    missing.push({
      problem: `code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerInstallDir()} for Node ${process.versions.node.split('.')[0]}`,
      fix: `${INSTALL_SCRIPT}   (needs Node 20 and the npm registry; as root it also apt-installs chromium and the packages the native modules build with)`,
    });
  }
  if (!existsSync(chromiumPath())) {
    missing.push(
      process.env.AO_CHROMIUM_PATH
        ? {
            problem: `Chromium is not at ${chromiumPath()} (the path AO_CHROMIUM_PATH names)`,
            fix: `point AO_CHROMIUM_PATH at a Chromium or Chrome binary, or unset it to use ${DEFAULT_CHROMIUM}`,
          }
        : {
            problem: `Chromium is not at ${DEFAULT_CHROMIUM}`,
            fix: `sudo apt-get install -y chromium   (or set AO_CHROMIUM_PATH to a Chromium or Chrome binary)`,
          },
    );
  }
  if (!existsSync(extensionBundle())) {
    missing.push({ problem: `the extension is not built (${extensionBundle()} is missing)`, fix: 'npm run build' });
  }
  return missing;
}
