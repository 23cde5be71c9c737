// The parsers of single flag values (`--workspace`, `--state-dir`, `--provider`, `--approve`,
// `--base-url`, budgets, whole numbers, `--pass-env`): each returns the checked value or throws a
// UsageError that says what to give instead.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { ProviderTable } from '../core/llm/providerTable';
import { isPassableName } from '../core/verify/childEnvironment';
import { APPROVE_MODES, type ApproveMode, type BudgetArgs } from './cliCommand';
import { UsageError } from './usageError';
import { errorMessage } from '../core/common/errors';
import { otlpTracesUrl } from '../core/observe/otlpSpanExporter';

/** `--pass-env NAME`: names checks and agents' commands may see; each a variable name or a `*` pattern. */
export function passEnvArgs(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (!isPassableName(name))
      throw new UsageError(
        `--pass-env "${raw}" is not a variable name; give one name per flag, e.g. --pass-env JAVA_HOME or --pass-env "MY_APP_*".`,
      );
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export function workspaceArg(value: string, cwd: string): string {
  const dir = path.resolve(cwd, value);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`The workspace folder ${dir} does not exist; pass an existing folder with --workspace DIR.`);
  }
  if (!isDir) throw new UsageError(`The workspace ${dir} is not a folder; pass a folder with --workspace DIR.`);
  return dir;
}

export function stateDirArg(value: string, cwd: string): string {
  if (value.trim() === '')
    throw new UsageError('--state-dir is empty; give a folder, e.g. --state-dir ./.orchestrator-state.');
  const dir = path.resolve(cwd, value);
  try {
    if (!statSync(dir).isDirectory())
      throw new UsageError(`--state-dir ${dir} is a file, not a folder; give a folder (it is created when missing).`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  return dir;
}

export function providerArg(value: string, providers: ProviderTable): string {
  if (providers.get(value)) return value;
  const choices = providers
    .list()
    .map((p) => `--provider ${p.id}${p.acceptsBaseUrl ? ' (with --base-url for a compatible server)' : ''}`)
    .join(', ');
  throw new UsageError(`Unknown provider "${value}"; use one of: ${choices}.`);
}

export function approveArg(value: string): ApproveMode {
  if ((APPROVE_MODES as readonly string[]).includes(value)) return value as ApproveMode;
  throw new UsageError(`Unknown approval mode "${value}"; use --approve auto, --approve never or --approve prompt.`);
}

export function baseUrlArg(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--base-url "${value}" is not a URL; give a full URL such as http://localhost:11434/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--base-url must be an http:// or https:// URL, not ${url.protocol}//.`);
  if (url.username || url.password)
    throw new UsageError(
      '--base-url must not contain a user name or password; API keys come from the environment only.',
    );
  return value.replace(/\/+$/, '');
}

export function budgetArgs(values: { 'budget-tokens'?: string; 'budget-usd'?: string }): BudgetArgs {
  const budget: BudgetArgs = {};
  if (values['budget-tokens'] !== undefined)
    budget.maxTokens = wholeNumber('--budget-tokens', values['budget-tokens'], Number.MAX_SAFE_INTEGER);
  if (values['budget-usd'] !== undefined) {
    const raw = values['budget-usd'].replace(/^\$/, '');
    const usd = /^\d+(\.\d+)?$|^\.\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(usd) || usd <= 0)
      throw new UsageError(
        `--budget-usd must be an amount in US dollars above 0, e.g. --budget-usd 2.50; got "${values['budget-usd']}".`,
      );
    budget.maxCostUsd = usd;
  }
  return budget;
}

export function wholeNumber(flag: string, value: string, max: number, min = 1): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `a whole number of at least ${min}` : `a whole number from ${min} to ${max}`;
    throw new UsageError(`${flag} must be ${range}; got "${value}".`);
  }
  return n;
}

/** `--mcp-config FILE` (repeatable): MCP server configs, as absolute paths. */
export function mcpConfigArgs(files: readonly string[] | undefined, cwd: string): { mcpConfig?: string[] } {
  return files === undefined || files.length === 0 ? {} : { mcpConfig: files.map((f) => path.resolve(cwd, f)) };
}

/** `--otlp-endpoint`, when given, as the command's `otlpEndpoint`. */
export function otlpArgs(values: { 'otlp-endpoint'?: string }): { otlpEndpoint?: string } {
  const given = values['otlp-endpoint'];
  return given === undefined ? {} : { otlpEndpoint: otlpEndpointArg(given) };
}

/** `--otlp-endpoint URL`: the OTLP/HTTP collector spans are exported to (http or https, no credentials). */
export function otlpEndpointArg(value: string): string {
  try {
    otlpTracesUrl(value);
  } catch (err) {
    throw new UsageError(`--otlp-endpoint: ${errorMessage(err)}`);
  }
  return value.trim();
}
