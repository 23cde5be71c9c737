import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CODE_SERVER_VERSION,
  DEFAULT_CHROMIUM,
  INSTALL_SCRIPT,
  REPO_ROOT,
  codeServerInstallDir,
  codeServerInstalled,
  extensionBundle,
  missingPrerequisites,
  type MissingPrerequisite,
} from './prerequisites';

/**
 * The variable that forbids skipping the workbench tests, as `NAME=value`, or undefined.
 * `CI` counts when it is set to anything but "false" or "0" (CI services set CI=true; .ci/run sets CI=1).
 */
export function workbenchRequiredBy(): string | undefined {
  if (process.env.AO_REQUIRE_WORKBENCH === '1') return 'AO_REQUIRE_WORKBENCH=1';
  const ci = process.env.CI;
  if (ci && ci !== 'false' && ci !== '0') return `CI=${ci}`;
  return undefined;
}

/** Writes one line of this setup to stderr, where mocha's own output does not interleave with it. */
function say(message: string): void {
  process.stderr.write(`[workbench setup] ${message}\n`);
}

/** Runs a command from the repository root with its output streamed to ours; resolves with its exit code. */
function runStreaming(command: string, args: string[]): Promise<{ code: number; error?: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) => done({ code: -1, error: error.message }));
    child.once('exit', (code, signal) =>
      done({ code: code ?? -1, ...(signal ? { error: `killed by ${signal}` } : {}) }),
    );
  });
}

/**
 * Makes the workbench prerequisites present where it can, then reports what is still missing:
 *  - builds the extension when dist/extension.js is missing (`npm run test:workbench` builds first anyway);
 *  - when code-server is not installed, or Debian's Chromium is missing, runs scripts/installCodeServer.sh,
 *    which installs code-server into .cache/ (once) and, as root, apt-installs Chromium.
 * An install that fails (offline, not root, another Node) is reported, not thrown: the caller decides
 * whether that skips or fails the suite.
 */
export async function ensurePrerequisites(): Promise<MissingPrerequisite[]> {
  if (!existsSync(extensionBundle())) {
    say('the extension is not built (dist/extension.js is missing): running `npm run build`');
    await runStreaming(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']);
  }

  const needsCodeServer = !codeServerInstalled();
  // The installer can only provide Debian's Chromium; a path named by AO_CHROMIUM_PATH is the user's to fix.
  const needsChromium = !process.env.AO_CHROMIUM_PATH && !existsSync(DEFAULT_CHROMIUM);
  let installFailure: string | undefined;
  if (needsCodeServer || needsChromium) {
    if (needsCodeServer) {
      say(
        `code-server ${CODE_SERVER_VERSION} is not installed; installing it into ${codeServerInstallDir()} (takes a few minutes, once) with ${INSTALL_SCRIPT}${needsChromium ? '; as root it also apt-installs Chromium' : ''}:`,
      );
    } else {
      say(`Chromium is not at ${DEFAULT_CHROMIUM}; running ${INSTALL_SCRIPT}, which apt-installs it when run as root:`);
    }
    const started = Date.now();
    const result = await runStreaming('bash', [join(REPO_ROOT, INSTALL_SCRIPT)]);
    const seconds = Math.round((Date.now() - started) / 1000);
    if (result.code === 0) {
      say(`${INSTALL_SCRIPT} finished in ${seconds} s`);
    } else {
      installFailure = `${INSTALL_SCRIPT} failed after ${seconds} s (${result.error ?? `exit code ${result.code}`}; its output is above)`;
      say(installFailure);
    }
  }

  const missing = missingPrerequisites();
  if (installFailure) {
    // Attach the failure to what the installer was meant to provide.
    const target = missing.find((item) => /^(code-server|Chromium)/.test(item.problem));
    if (target) {
      target.detail = `${installFailure}. Usual causes: no access to the npm registry or apt, not root while Debian packages are missing, or Node other than 20`;
    }
  }
  return missing;
}

/** Wraps `text` to `width` columns, continuation lines indented like the first line plus two. */
function wrap(text: string, width: number): string[] {
  const indent = /^\s*/.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/ +/)) {
    const prefix = line ? `${line} ` : lines.length === 0 ? indent : `${indent}  `;
    if (line && prefix.length + word.length > width) {
      lines.push(line);
      line = `${indent}  ${word}`;
    } else {
      line = prefix + word;
    }
  }
  lines.push(line);
  return lines;
}

/** `lines` in an ASCII box, wrapped to about 90 columns (a long path may widen it). */
export function boxed(lines: string[]): string {
  const wrapped = lines.flatMap((line) => (line === '' ? [''] : wrap(line, 86)));
  const width = Math.max(...wrapped.map((line) => line.length));
  const rule = `+${'='.repeat(width + 2)}+`;
  return [rule, ...wrapped.map((line) => `| ${line.padEnd(width)} |`), rule].join('\n');
}

/** The loud notice for `missing`: skipped, or (when `requiredBy` is set) a failure. */
export function workbenchNotice(missing: MissingPrerequisite[], requiredBy: string | undefined): string {
  const head = requiredBy
    ? [
        `WORKBENCH TESTS CANNOT RUN, and ${requiredBy} forbids skipping them: this run FAILS.`,
        'The real-VS Code tests in test/workbench need:',
      ]
    : [
        'WORKBENCH TESTS SKIPPED: the real-VS Code tests in test/workbench did NOT run.',
        'Nothing in this run proves the extension works in VS Code. Missing:',
      ];
  const items = missing.flatMap((item) => [
    `  - ${item.problem}`,
    ...(item.detail ? [`      why: ${item.detail}`] : []),
    `      fix: ${item.fix}`,
  ]);
  const tail = [
    'Then run: npm run test:workbench',
    ...(requiredBy ? [] : ['(CI=1 or AO_REQUIRE_WORKBENCH=1 turns this skip into a failure.)']),
  ];
  return boxed([...head, '', ...items, '', ...tail]);
}
