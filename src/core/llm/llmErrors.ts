import { abortReason } from '../common/clock';
import { TaskFailure } from '../model/failure';
import { isSdkError } from './sdkErrors';

/** What an error message may say about where the failed call went. */
export interface LlmErrorContext {
  provider: string;
  model: string;
  /** Named in connection errors so the user can check it. */
  baseUrl?: string;
  /** The call's signal: once it has aborted, any error is the abort. */
  signal?: AbortSignal;
  /** Where the user can also put the key, named in the 401 message (e.g. `OPENAI_API_KEY`). */
  apiKeyEnvVar?: string;
  /** Strings that must never appear in a message (the API key). */
  secrets?: readonly string[];
  /** True once the answer had started streaming: any failure then is a retryable mid-stream error. */
  midStream?: boolean;
  /** For `retry-after` given as an HTTP date. */
  now?: () => number;
}

/** Anything with a `get(name)` header lookup (fetch `Headers`) or a plain header record. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Maps anything a provider call threw to what the engine should do about it: a `TaskFailure`
 * whose class drives the retry policy, or, for an abort, the abort itself (the signal's reason),
 * so a cancelled call is never retried or mistaken for a failure of the model. No message ever
 * contains a secret from `ctx.secrets`.
 */
export function toLlmFailure(err: unknown, ctx: LlmErrorContext): Error {
  if (ctx.signal?.aborted) return abortReason(ctx.signal);
  if (err instanceof TaskFailure) return err;
  if (isAbortError(err)) return err instanceof Error ? err : abortReason(undefined);
  const who = `${ctx.provider} model "${ctx.model}"`;
  const redact = (s: string): string => redactSecrets(s, ctx.secrets ?? []);
  const status = httpStatus(err);
  const detail = redact(apiMessage(err));

  if (status === undefined) {
    if (isNetworkError(err)) {
      const where = ctx.baseUrl === undefined ? ctx.provider : `${ctx.provider} at ${ctx.baseUrl}`;
      const refused = networkCode(err) === 'ECONNREFUSED';
      const message = ctx.midStream
        ? `The connection to ${where} broke while ${who} was answering; the partial answer was discarded.`
        : refused
          ? `Could not connect to ${where} (connection refused). Is the server running and the base URL right?`
          : `Could not reach ${where} (${redact(networkCode(err) ?? errorText(err))}).`;
      return new TaskFailure(message, 'retryable', { cause: err });
    }
    if (ctx.midStream || isSdkApiError(err)) {
      // An error event inside a stream (Anthropic `event: error`, an OpenAI `{"error":…}` chunk) or a garbled chunk.
      return new TaskFailure(
        `${who} failed mid-stream (${detail || 'no detail'}); the partial answer was discarded.`,
        'retryable',
      );
    }
    return err instanceof Error ? err : new Error(redact(errorText(err)));
  }

  // From here on no failure carries the SDK error as `cause`: provider bodies can echo (part of)
  // the key, and only the redacted `detail` may reach logs.
  const retryAfterMs = parseRetryAfter(headersOf(err), ctx.now?.() ?? Date.now());
  const retryable = (message: string): TaskFailure =>
    new TaskFailure(message, 'retryable', retryAfterMs === undefined ? {} : { retryAfterMs });
  const suffix = detail ? `: ${detail}` : '.';

  if (status === 401) {
    const env = ctx.apiKeyEnvVar === undefined ? '' : ` or ${ctx.apiKeyEnvVar}`;
    return new TaskFailure(
      `The API key for ${ctx.provider} was rejected (401). Set a valid key with 'Orchestrator: Set API Key'${env}.`,
      'fatal',
    );
  }
  if (status === 403) {
    return new TaskFailure(
      `The API key for ${ctx.provider} is not allowed to use ${who} (403). Check the key's permissions and the model's availability for your account${suffix}`,
      'fatal',
    );
  }
  if (status === 404) {
    return new TaskFailure(
      `${ctx.provider} does not know the model "${ctx.model}" (404). Check the model name${ctx.baseUrl === undefined ? '' : ` and the base URL ${ctx.baseUrl}`}${suffix}`,
      'fatal',
    );
  }
  if (status === 402 || (status === 429 && errorCode(err) === 'insufficient_quota')) {
    return new TaskFailure(
      `The ${ctx.provider} account has no credit left (${status}). Add credit or raise the spending limit, then resume the run${suffix}`,
      'needs-human',
    );
  }
  if (status === 429) return retryable(`${who} is rate limited (429)${suffix}`);
  if (status === 529) return retryable(`${ctx.provider} is overloaded (529) answering ${who}${suffix}`);
  if (status >= 500) return retryable(`${ctx.provider} had a server error (${status}) answering ${who}${suffix}`);
  if (status === 408 || status === 409) return retryable(`${who} failed with ${status} (timeout or conflict)${suffix}`);
  if (status === 413)
    return new TaskFailure(`The request to ${who} is too large (413); send less context${suffix}`, 'fatal');
  return new TaskFailure(`${who} rejected the request (${status})${suffix}`, 'fatal');
}

/**
 * Milliseconds the server asked us to wait: `retry-after-ms` first, then `retry-after` as
 * seconds or as an HTTP date. Undefined when absent or unparsable.
 */
export function parseRetryAfter(headers: HeaderSource | undefined, now: number): number | undefined {
  if (headers === undefined) return undefined;
  const ms = Number.parseFloat(header(headers, 'retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const raw = header(headers, 'retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number.parseFloat(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** True for the abort errors of fetch and of both SDKs. */
export function isAbortError(err: unknown): boolean {
  if (isSdkError(err, 'APIUserAbortError')) return true;
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

/** Replaces every occurrence of each secret (and anything shaped like an API key) with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(/\b(sk|rk|pk)-[A-Za-z0-9_*-]{8,}/g, '[redacted]');
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v[0] : v;
}

function httpStatus(err: unknown): number | undefined {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === 'number' && s >= 100 ? s : undefined;
}

function headersOf(err: unknown): HeaderSource | undefined {
  const h = (err as { headers?: unknown } | null)?.headers;
  return typeof h === 'object' && h !== null ? (h as HeaderSource) : undefined;
}

function isSdkApiError(err: unknown): boolean {
  return isSdkError(err, 'APIError');
}

/** The provider's own explanation: Anthropic `error.error.message`, OpenAI `error.message`. */
function apiMessage(err: unknown): string {
  const e = err as { apiMessage?: unknown; error?: { message?: unknown; error?: { message?: unknown } } } | null;
  const candidates = [e?.apiMessage, e?.error?.error?.message, e?.error?.message];
  for (const c of candidates) if (typeof c === 'string' && c !== '') return c;
  return err instanceof Error ? err.message : '';
}

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; error?: { code?: unknown } } | null;
  const c = e?.code ?? e?.error?.code;
  return typeof c === 'string' ? c : undefined;
}

function networkCode(err: unknown): string | undefined {
  for (
    let e: unknown = err, depth = 0;
    typeof e === 'object' && e !== null && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

function isNetworkError(err: unknown): boolean {
  if (isSdkError(err, 'APIConnectionError')) return true;
  if (networkCode(err) !== undefined) return true;
  // undici reports a body cut short as `TypeError: terminated` and a failed connect as `fetch failed`.
  return err instanceof TypeError && /^(terminated|fetch failed|other side closed)/i.test(err.message);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
