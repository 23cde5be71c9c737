/**
 * Rate-limit benchmark: 8, 16 and 32 agents share one model behind a fake server that enforces
 * requests and tokens per minute and counts, as OpenAI does, each request's prompt plus its
 * `max_tokens` when it admits it. Each agent works through one-turn tasks as fast as the limits
 * let it. Three limiters:
 * - `learned`: no settings; one probe request first, then limits learned from the response
 *   headers, output allowance sized from recent answers (what the engine now does);
 * - `settings`: the limits given as settings, every request reserving and sending its full
 *   output allowance (what the limiter did before);
 * - `off`: no limiter; a 429 is retried after the server's retry-after, at most 3 attempts a task.
 * Time runs `factor` times faster than real time for server and limiter alike; the limiter's
 * latency margin is 300 ms of real time (a busy machine stalls the process for more than 100 ms
 * between a grant and the request's arrival). The first minute (learning, warm-up) is not measured.
 * Prints a table; asserts nothing. Run: npm run bench:rates [-- <minutes> <factor>]
 */
import type { Clock } from '../../src/core/common/clock';
import { TaskFailure } from '../../src/core/model/failure';
import { BUILTIN_PROVIDERS } from '../../src/core/llm/builtinProviders';
import type { ChatRequest } from '../../src/core/llm/chatModel';
import { meteredComplete } from '../../src/core/llm/meteredChatModel';
import { OpenAiChatModel } from '../../src/core/llm/openAiChatModel';
import { loadOpenAiSdk } from '../../src/core/llm/sdkLoader';
import { QuotaGate } from '../../src/core/quota/quotaGate';
import { RateLimitScheduler } from '../../src/core/quota/rateLimitScheduler';
import { RunBudget } from '../../src/core/quota/runBudget';
import type { ModelCallRequest, TaskContext } from '../../src/core/task/agent';
import { startFakeModelServer, type FakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { maxOutputTokens, requestTokens } from '../support/fakeModelServer/wireAnswer';
import { scaledClock } from '../support/scaledClock';
import { seededRandom } from '../support/fakeModelServer/seededRandom';

/** Which limiter a figure was measured with. */
export type BenchLimiter = 'learned' | 'settings' | 'off';

/** One row of the benchmark. */
export interface RateBenchFigures {
  agents: number;
  limiter: BenchLimiter;
  /** Tasks finished (an answer, after any retries) in the measured minutes. */
  tasksDone: number;
  /** Tasks given up after 3 attempts ended in 429 (only without a limiter). */
  tasksFailed: number;
  /** 429s the server sent over the whole run, and those in the first (warm-up, unmeasured) minute. */
  rateLimited: number;
  rateLimitedWarmUp: number;
  /** Answered requests per minute as a share of the RPM limit (measured minutes). */
  rpmUsedPct: number;
  /** Tokens the server counted at admission (prompt + max_tokens) per minute, as a share of the TPM limit. */
  tpmCountedPct: number;
  /** Tokens really used (prompt + output) per minute, as a share of the TPM limit. */
  tpmBilledPct: number;
  /** Turns cut at a sized allowance and asked again at the full maximum. */
  cutTurns: number;
}

/** What to measure. */
export interface RateBenchOptions {
  agents?: number[];
  limiters?: BenchLimiter[];
  /** Scaled minutes per run; the first is warm-up. Default 3. */
  minutes?: number;
  /** How much faster than real time the shared clock runs. Default 10. */
  factor?: number;
  rpm?: number;
  tpm?: number;
}

const MAX_OUTPUT = 4_096;
const SYSTEM = 'You are a careful coding agent. '.repeat(40);

/** Runs every combination and returns the figures. */
export async function rateLimitBench(options: RateBenchOptions = {}): Promise<RateBenchFigures[]> {
  await loadOpenAiSdk();
  const rows: RateBenchFigures[] = [];
  for (const agents of options.agents ?? [8, 16, 32])
    for (const limiter of options.limiters ?? (['learned', 'settings', 'off'] as const))
      rows.push(await runOne(agents, limiter, options));
  return rows;
}

async function runOne(agents: number, limiter: BenchLimiter, o: RateBenchOptions): Promise<RateBenchFigures> {
  const factor = o.factor ?? 10;
  const minutes = o.minutes ?? 3;
  const rpm = o.rpm ?? 600;
  const tpm = o.tpm ?? 60_000;
  const clock = scaledClock(factor);
  const random = seededRandom(agents * 7 + limiter.length);
  const outputs = new Map<number, number>();
  let cutTurns = 0;
  const server = await startFakeModelServer({
    limits: { rpm, tpm, tokenCounting: 'request' },
    now: clock.now,
    respond: (r) => {
      // Answers need 50–250 output tokens; a smaller max_tokens cuts them there.
      const wanted = 50 + Math.floor(random() * 200);
      const max = maxOutputTokens(r.body);
      const used = Math.min(wanted, max);
      outputs.set(r.seq, used);
      if (used < wanted) cutTurns++;
      return {
        text: 'x'.repeat(used * 4),
        usage: { outputTokens: used },
        ...(used < wanted ? { stopReason: 'max_tokens' } : {}),
      };
    },
  });
  try {
    const model = new OpenAiChatModel({ model: 'gpt-bench', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
    const rates = new RateLimitScheduler(
      clock,
      () => (limiter === 'settings' ? { requestsPerMinute: rpm, tokensPerMinute: tpm } : undefined),
      {
        windowMs: 60_000 + 300 * factor,
        learn: limiter === 'learned',
        probeFirst: limiter === 'learned',
      },
    );
    const start = clock.now();
    const end = start + minutes * 60_000;
    const measureFrom = start + 60_000;
    let tasksDone = 0;
    let tasksFailed = 0;
    const agent = async (id: number): Promise<void> => {
      for (let task = 0; clock.now() < end; task++) {
        const request: ChatRequest = {
          system: SYSTEM,
          messages: [
            { role: 'user', content: `Task ${id}.${task}: ${'change the code. '.repeat(35 + ((id * 7 + task) % 25))}` },
          ],
          maxOutputTokens: MAX_OUTPUT,
        };
        const ok = await attemptTask(limiter, rates, clock, model, request);
        if (clock.now() < measureFrom || clock.now() > end) continue;
        if (ok) tasksDone++;
        else tasksFailed++;
      }
    };
    await Promise.all(Array.from({ length: agents }, (_, i) => agent(i)));
    return figures(server, { agents, limiter, tasksDone, tasksFailed, cutTurns, rpm, tpm, measureFrom, end, outputs });
  } finally {
    await server.close();
  }
}

/** One task: up to 3 attempts, each retry after the server's retry-after. */
async function attemptTask(
  limiter: BenchLimiter,
  rates: RateLimitScheduler,
  clock: Clock,
  model: OpenAiChatModel,
  request: ChatRequest,
): Promise<boolean> {
  const signal = new AbortController().signal;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      if (limiter === 'off') await model.complete(request, { signal });
      else await meteredComplete(gateContext(rates, signal), model, request, BUILTIN_PROVIDERS.priceTable());
      return true;
    } catch (err) {
      if (!(err instanceof TaskFailure) || err.failureClass !== 'retryable') throw err;
      await clock.sleep(err.options.retryAfterMs ?? 1_000);
    }
  }
  return false;
}

function gateContext(rates: RateLimitScheduler, signal: AbortSignal): Pick<TaskContext, 'callModel' | 'signal'> {
  const gate = new QuotaGate(new RunBudget(), rates, () => undefined);
  return {
    signal,
    async callModel<T>(request: ModelCallRequest, send: Parameters<TaskContext['callModel']>[1]): Promise<T> {
      return (await gate.call(request, send as Parameters<QuotaGate['call']>[1], signal)).value as T;
    },
  };
}

function figures(
  server: FakeModelServer,
  m: {
    agents: number;
    limiter: BenchLimiter;
    tasksDone: number;
    tasksFailed: number;
    cutTurns: number;
    rpm: number;
    tpm: number;
    measureFrom: number;
    end: number;
    outputs: Map<number, number>;
  },
): RateBenchFigures {
  const minutes = (m.end - m.measureFrom) / 60_000;
  let answered = 0;
  let counted = 0;
  let billed = 0;
  for (const r of server.requests) {
    if (r.status !== 200 || r.receivedAt < m.measureFrom || r.receivedAt >= m.end) continue;
    answered++;
    counted += requestTokens(r.body) + maxOutputTokens(r.body);
    billed += requestTokens(r.body) + (m.outputs.get(r.seq) ?? 0);
  }
  const pct = (used: number, limit: number): number => Math.round((1_000 * used) / (limit * minutes)) / 10;
  return {
    agents: m.agents,
    limiter: m.limiter,
    tasksDone: m.tasksDone,
    tasksFailed: m.tasksFailed,
    rateLimited: server.rateLimitedCount,
    rateLimitedWarmUp: server.requests.filter((r) => r.status === 429 && r.receivedAt < m.measureFrom).length,
    rpmUsedPct: pct(answered, m.rpm),
    tpmCountedPct: pct(counted, m.tpm),
    tpmBilledPct: pct(billed, m.tpm),
    cutTurns: m.cutTurns,
  };
}

/** The figures as a Markdown table. */
export function rateBenchTable(rows: readonly RateBenchFigures[]): string {
  const head =
    '| agents | limiter | tasks done | tasks failed | 429s (in warm-up) | RPM used | TPM counted | TPM billed | cut turns |';
  const lines = rows.map(
    (r) =>
      `| ${r.agents} | ${r.limiter} | ${r.tasksDone} | ${r.tasksFailed} | ${r.rateLimited} (${r.rateLimitedWarmUp}) | ${r.rpmUsedPct}% | ${r.tpmCountedPct}% | ${r.tpmBilledPct}% | ${r.cutTurns} |`,
  );
  return [head, '|---|---|---|---|---|---|---|---|---|', ...lines].join('\n');
}

if (require.main === module) {
  const [minutes, factor] = process.argv.slice(2).map(Number);
  const options: RateBenchOptions = {};
  if (minutes) options.minutes = minutes;
  if (factor) options.factor = factor;
  console.log(
    `Rate limits: fake server RPM 600, TPM 60,000 counted at admission (prompt + max_tokens); node ${process.version}`,
  );
  void rateLimitBench(options).then((rows) => console.log(rateBenchTable(rows)));
}
