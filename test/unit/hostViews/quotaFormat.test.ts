import assert from 'node:assert/strict';
import type { RateHeadroom } from '../../../src/core/quota/rateLimitScheduler';
import {
  busiestModel,
  escapeMarkdown,
  levelOf,
  pressureOf,
  quotaTooltipMarkdown,
  quotaView,
  type QuotaRun,
} from '../../../src/host/statusBar/quotaFormat';
import { formatMessage } from '../../../src/host/views/runTreeFormat';

const NOW = 1_000_000;

function headroom(provider: string, model: string, over: Partial<RateHeadroom> = {}): RateHeadroom {
  return { key: { provider, model }, waiting: 0, ...over };
}

function run(over: Partial<QuotaRun> = {}): QuotaRun {
  return {
    goal: 'Add auth',
    usage: { inputTokens: 10_000, outputTokens: 2_300, costUsd: 0.04 },
    budget: { maxCostUsd: 1 },
    usageByModel: { 'openai/gpt-4o-mini': { inputTokens: 10_000, outputTokens: 2_300, costUsd: 0.04 } },
    active: true,
    ...over,
  };
}

describe('quota status bar formatting', () => {
  it('shows tokens, cost against the budget and the headroom of the busiest model', () => {
    const view = quotaView(
      {
        run: run(),
        headroom: [
          headroom('openai', 'gpt-4o-mini', { rpm: 100, requestsLeft: 82, tpm: 100_000, tokensLeft: 90_000 }),
          headroom('anthropic', 'claude-sonnet-5', { rpm: 50, requestsLeft: 49 }),
        ],
        now: NOW,
      },
      'en-US',
      formatMessage,
    );
    assert.equal(view.text, '$(dashboard) 12.3K tok · $0.04 / $1.00 · 82% free');
    assert.equal(view.level, 'normal');
    assert.equal(view.busiest?.key, 'openai/gpt-4o-mini');
    assert.match(view.accessibleLabel, /\$0\.04 of \$1\.00 budget, 82% rate-limit headroom on openai\/gpt-4o-mini/);
  });

  it('shows the token budget when the run has one, and no headroom part without rate limits', () => {
    const view = quotaView(
      { run: run({ budget: { maxTokens: 100_000 } }), headroom: [headroom('openai', 'gpt-4o-mini')], now: NOW },
      'en-US',
      formatMessage,
    );
    assert.equal(view.text, '$(dashboard) 12.3K / 100K tok · $0.04');
    assert.equal(view.busiest, undefined);
  });

  it("shows an unpriced model's cost as unknown, never $0, in the item, its spoken label and the tooltip", () => {
    const unpriced = { inputTokens: 10_000, outputTokens: 2_300, costUsd: 0, costUnknown: true };
    const unpricedRun = run({
      usage: unpriced,
      budget: { maxTokens: 100_000 },
      usageByModel: { 'openai/my-finetune': unpriced },
    });
    const view = quotaView({ run: unpricedRun, headroom: [], now: NOW }, 'en-US', formatMessage);
    assert.equal(view.text, '$(dashboard) 12.3K / 100K tok · unknown');
    assert.match(view.accessibleLabel, /unknown spent/);
    const tooltip = quotaTooltipMarkdown(view, unpricedRun, 'en-US', formatMessage, NOW);
    assert.match(tooltip, /unknown/);
    assert.doesNotMatch(tooltip, /\$0\.00/);
    const mixed = quotaView(
      { run: run({ usage: { ...unpriced, costUsd: 0.04 }, budget: {} }), headroom: [], now: NOW },
      'en-US',
      formatMessage,
    );
    assert.equal(mixed.text, '$(dashboard) 12.3K tok · $0.04 + unknown');
  });

  it('shows zero spend before any run', () => {
    const view = quotaView({ run: undefined, headroom: [], now: NOW }, 'en-US', formatMessage);
    assert.equal(view.text, '$(dashboard) 0 tok · $0.00');
    assert.equal(view.level, 'normal');
  });

  it('turns to warning at 80% of a budget and to error at 100%', () => {
    const at = (costUsd: number) =>
      quotaView(
        { run: run({ usage: { inputTokens: 1, outputTokens: 1, costUsd } }), headroom: [], now: NOW },
        'en-US',
        formatMessage,
      ).level;
    assert.equal(at(0.79), 'normal');
    assert.equal(at(0.8), 'warning');
    assert.equal(at(0.99), 'warning');
    assert.equal(at(1), 'error');
    assert.equal(at(1.2), 'error');
  });

  it('turns to warning at 80% of a rate limit and to error when requests queue or the server holds them', () => {
    const level = (h: RateHeadroom) =>
      quotaView({ run: undefined, headroom: [h], now: NOW }, 'en-US', formatMessage).level;
    assert.equal(level(headroom('openai', 'm', { tpm: 1000, tokensLeft: 201 })), 'normal');
    assert.equal(level(headroom('openai', 'm', { tpm: 1000, tokensLeft: 200 })), 'warning');
    assert.equal(level(headroom('openai', 'm', { rpm: 10, requestsLeft: 0 })), 'error');
    assert.equal(level(headroom('openai', 'm', { rpm: 10, requestsLeft: 5, waiting: 2 })), 'error');
    assert.equal(level(headroom('openai', 'm', { pausedUntil: NOW + 5_000 })), 'error');
    assert.equal(level(headroom('openai', 'm', { pausedUntil: NOW - 5_000 })), 'normal');
  });

  it('measures pressure by the tightest limit', () => {
    assert.equal(pressureOf(headroom('p', 'm', { rpm: 10, requestsLeft: 9, tpm: 100, tokensLeft: 10 }), NOW), 0.9);
    assert.equal(pressureOf(headroom('p', 'm', { rpm: 10, requestsLeft: -3 }), NOW), 1, 'clamped');
    assert.equal(
      busiestModel(
        [headroom('p', 'a', { rpm: 10, requestsLeft: 9 }), headroom('p', 'b', { rpm: 10, requestsLeft: 1 })],
        NOW,
      )?.key,
      'p/b',
    );
  });

  it('picks the worst fraction for the level', () => {
    assert.equal(levelOf([undefined, 0.5, 0.85]), 'warning');
    assert.equal(levelOf([]), 'normal');
  });

  it('builds a Markdown table per provider/model, escaping names and the goal', () => {
    const r = run({
      goal: 'Fix **bold** | pipes',
      usageByModel: { 'openai/gpt-4o-mini': { inputTokens: 1200, outputTokens: 300, costUsd: 0.01, estimated: true } },
    });
    const view = quotaView(
      {
        run: r,
        headroom: [
          headroom('openai', 'gpt-4o-mini', { rpm: 60, requestsLeft: 12 }),
          headroom('ollama', 'llama3|x', { tpm: 1000, tokensLeft: 1000 }),
        ],
        now: NOW,
      },
      'en-US',
      formatMessage,
    );
    const md = quotaTooltipMarkdown(view, r, 'en-US', formatMessage, NOW);
    assert.match(md, /Active run: Fix \\\*\\\*bold\\\*\\\* \\\| pipes/);
    assert.match(md, /\| Model \| Tokens in \| Tokens out \| Cost \| Requests left \/ min \| Tokens left \/ min \|/);
    assert.match(md, /\| ollama\/llama3\\\|x \| — \| — \| — \| — \| 1K \/ 1K \|/);
    assert.match(md, /\| openai\/gpt\\-4o\\-mini \| 1\\\.2K \| 300 \| \\\$0\\\.01\\\* \| 12 \/ 60 \| — \|/);
    assert.match(md, /estimated usage/);
  });

  it('escapes every Markdown-significant character', () => {
    assert.equal(escapeMarkdown('[x](y) $(icon) `c`'), '\\[x\\]\\(y\\) \\$\\(icon\\) \\`c\\`');
  });
});
