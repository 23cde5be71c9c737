import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The code-server release the workbench tests run against (VS Code 1.99, the last line on Node 20). */
export const CODE_SERVER_VERSION = '4.99.4';

/** The repository root. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** The code-server package folder that scripts/installCodeServer.sh fills (overridable with AO_CODE_SERVER_HOME). */
export function codeServerDir(): string {
  const home = process.env.AO_CODE_SERVER_HOME || join(REPO_ROOT, '.cache', 'code-server');
  return join(home, CODE_SERVER_VERSION, 'node_modules', 'code-server');
}

/** code-server's Node entry point. */
export function codeServerEntry(): string {
  return join(codeServerDir(), 'out', 'node', 'entry.js');
}

/** The Chromium the tests drive: AO_CHROMIUM_PATH, else Debian's. */
export function chromiumPath(): string {
  return process.env.AO_CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Each missing piece as one line a human can act on; empty when the workbench tests can run. */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  const install = 'run `scripts/installCodeServer.sh` (as root it also apt-installs chromium and the build packages)';
  // The installer writes this marker last, so a half-finished install counts as missing.
  if (!existsSync(join(codeServerDir(), '..', '..', '.installed'))) {
    missing.push(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerDir()}: ${install}`);
  }
  if (!existsSync(chromiumPath())) {
    missing.push(`Chromium is not at ${chromiumPath()}: ${install}, or set AO_CHROMIUM_PATH`);
  }
  if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) {
    missing.push('the extension is not built (dist/extension.js): run `npm run build`');
  }
  return missing;
}
