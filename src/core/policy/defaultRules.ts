import type { PolicyRule } from './policyRules';

/** Programs that reach the network; never allowed by default and denied by {@link DEFAULT_COMMAND_DENY_RULES}. */
export const NETWORK_TOOLS: readonly string[] = Object.freeze([
  'curl',
  'wget',
  'nc',
  'ncat',
  'netcat',
  'socat',
  'telnet',
  'ping',
  'dig',
  'nslookup',
  'host',
  'ssh',
  'scp',
  'sftp',
  'ftp',
]);

/** Commands that wreck the machine or escalate privileges; `rm -rf` is denied in each flag spelling. */
const DESTRUCTIVE_COMMANDS: readonly string[] = [
  'rm -rf *',
  'rm -fr *',
  'rm -Rf *',
  'rm -fR *',
  'rm -r -f *',
  'rm -f -r *',
  'rm --recursive --force *',
  'rm --force --recursive *',
  'sudo *',
  'su *',
  'doas *',
  'mkfs *',
  'shutdown *',
  'reboot *',
];

/** Default denials, checked against every sub-command (also inside `$(...)`, after `env`/`xargs`, inside `bash -c`). */
export const DEFAULT_COMMAND_DENY_RULES: readonly PolicyRule[] = Object.freeze([
  ...NETWORK_TOOLS.map((tool) =>
    Object.freeze<PolicyRule>({
      effect: 'deny',
      command: `${tool} *`,
      reason: `${tool} reaches the network, which could leak workspace data; run it yourself if you need it`,
    }),
  ),
  ...DESTRUCTIVE_COMMANDS.map((command) =>
    Object.freeze<PolicyRule>({
      effect: 'deny',
      command,
      reason: 'destructive or privileged commands are never run by an agent',
    }),
  ),
]);

/**
 * Read-only commands that cannot run arbitrary code and run without asking when they are one
 * simple command (checklist 27). Left out on purpose: `git diff/log/show` (their `--output=<file>`
 * writes files), `npx <tool>` (it may download a package), and every package script (`npm test`,
 * `npm run *`, `yarn *`, `pnpm *`, `make`): a script is whatever package.json says, and an agent
 * can edit package.json. The configured verification commands become exact allow rules instead
 * (`verificationAllowRules.ts`), guarded against script edits by the engine.
 */
export const DEFAULT_COMMAND_ALLOW_RULES: readonly PolicyRule[] = Object.freeze(
  [
    'npm ls *',
    'npm --version',
    'node --version',
    'git status *',
    'git branch --show-current',
    'git rev-parse *',
    'ls *',
    'pwd',
  ].map((command) => Object.freeze<PolicyRule>({ effect: 'allow', command, reason: 'on the default allow-list' })),
);

/**
 * Environment files hold secrets: agents neither read nor write them (their contents would go to
 * a model provider). Example and template files stay readable. Matching both the requested and the
 * real path, this also denies a symlink pointing at `.env`.
 */
export const DEFAULT_SECRET_FILE_RULES: readonly PolicyRule[] = Object.freeze([
  Object.freeze<PolicyRule>({
    effect: 'deny',
    path: '**/.env!(.example|.sample|.template)',
    reason: 'environment files hold secrets and are never sent to a model',
  }),
]);

/** The default policy: denials first for readability (the engine orders by effect anyway). */
export const DEFAULT_POLICY_RULES: readonly PolicyRule[] = Object.freeze([
  ...DEFAULT_SECRET_FILE_RULES,
  ...DEFAULT_COMMAND_DENY_RULES,
  ...DEFAULT_COMMAND_ALLOW_RULES,
]);
