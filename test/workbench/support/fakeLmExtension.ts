import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeModelServer, RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { REPO_ROOT } from './prerequisites';
import { extensionId } from './testExtension';
import type { Workbench } from './workbench';
import type { WorkbenchSession } from './workbenchSession';

/** The test extension (plain JS) that registers a `vscode.lm` model and invokes our language-model tool. */
export const FAKE_LM_EXTENSION = join(REPO_ROOT, 'test', 'workbench', 'fixtures', 'fake-lm-extension');

/** Its model as VS Code offers it (fixtures/fake-lm-extension/extension.js `MODEL`). */
export const FAKE_LM_MODEL = { id: 'fake-lm-model', vendor: 'fake-lm', family: 'fake-family' } as const;

/** Its palette command that invokes `agent-orchestrator_orchestrate` through `vscode.lm.invokeTool`. */
export const INVOKE_ORCHESTRATE_COMMAND = 'Fake LM: Invoke the Orchestrate Tool';

/** What the extension reports in `report.json` of its globalStorage. */
export interface FakeLmReport {
  /** Names of OPENAI_* / ANTHROPIC_* variables in the extension host's environment. */
  envKeys: string[];
  /** Chat requests its provider answered (forwarded to the server). */
  requests: number;
  /** `provideTokenCount` calls. */
  tokenCounts: number;
  /** Extension ids that sent chat requests, as VS Code named them to the provider. */
  requesters: string[];
  /** Errors its provider threw. */
  errors: string[];
}

/** The environment that points the extension's provider at `server` (no OpenAI or Anthropic variable). */
export function fakeLmEnv(server: FakeModelServer): Record<string, string> {
  return { FAKE_LM_BASE_URL: server.openAiBaseUrl, FAKE_LM_API_KEY: server.apiKey };
}

/** Whether a request reached the server through the extension's `vscode.lm` provider (its tag header). */
export function cameThroughVscodeLm(request: RecordedRequest): boolean {
  return (request.headers['x-fake-lm'] ?? '').startsWith('requester=');
}

/** The extension's globalStorage folder. */
function storageDir(session: WorkbenchSession): string {
  return session.server.globalStorageDir(extensionId(FAKE_LM_EXTENSION));
}

/** The path of a file the extension writes to its globalStorage. */
export function fakeLmFile(session: WorkbenchSession, name: string): string {
  return join(storageDir(session), name);
}

/** A JSON file the extension wrote to its globalStorage (atomically), or undefined before it did. */
export function readFakeLmFile<T>(session: WorkbenchSession, name: string): T | undefined {
  const file = fakeLmFile(session, name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/**
 * Waits for VS Code's modal asking whether our extension may use the language models of the
 * fake provider (it comes with the first request), takes a screenshot and clicks `answer`;
 * returns the dialog's text.
 */
export async function answerModelAccess(
  workbench: Workbench,
  answer: 'Allow' | 'Cancel',
  timeoutMs = 60_000,
): Promise<string> {
  const dialog = workbench.page
    .locator('.monaco-dialog-box')
    .filter({ hasText: /wants to access the language models provided by/ });
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  const text = (await dialog.innerText()).replace(/\s+/g, ' ');
  await workbench.screenshot(`language model access consent, ${answer}`);
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^\\s*${answer}\\s*$`) }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return text;
}
