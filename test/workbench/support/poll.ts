import { setTimeout as delay } from 'node:timers/promises';

/**
 * Calls `probe` every `intervalMs` until it returns something other than `undefined` (or `false`)
 * and returns that; after `timeoutMs` throws with `what` and the last value `describe` gives.
 * Errors thrown by `probe` count as "not yet" and the last one is reported.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await delay(options.intervalMs ?? 200);
  }
  const state = options.describe
    ? await Promise.resolve(options.describe()).catch((error: unknown) => `(could not describe: ${String(error)})`)
    : '';
  const cause = lastError instanceof Error ? ` Last error: ${lastError.message}` : '';
  throw new Error(
    `Timed out after ${options.timeoutMs ?? 30_000} ms waiting for ${what}.${state ? ` Now: ${state}` : ''}${cause}`,
  );
}
