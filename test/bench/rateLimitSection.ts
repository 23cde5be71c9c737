// The rate-limit benchmark (rateLimitBench.ts) as a section of `npm run bench`: for each agent
// count, the share of the TPM limit the server counted and the 429s, with our learned limiter and
// with no limiter; the learned limiter's target is ≥ 90 % of the limit with no 429.
import { atLeast, atMost, round, type BenchSection, type Figure } from './benchTypes';
import { rateLimitBench, type RateBenchFigures } from './rateLimitBench';

const COMMAND = 'npm run bench:rates';

export const rateLimitSection: BenchSection = {
  name: 'rates',
  async run(options) {
    const rows = await rateLimitBench(
      options.quick
        ? { agents: [8], limiters: ['learned', 'off'], minutes: 2, factor: 20 }
        : { limiters: ['learned', 'off'] },
    );
    options.log(`rate limits: ${rows.length} runs`);
    return rows.flatMap(figuresOf);
  },
};

function figuresOf(row: RateBenchFigures): Figure[] {
  const who = `${row.agents} agents, ${row.limiter === 'learned' ? 'our limiter (learned)' : 'no limiter'}`;
  const learned = row.limiter === 'learned';
  return [
    {
      benchmark: 'Rate limits',
      measure: `${who}: TPM used (as the server counts it)`,
      value: round(row.tpmCountedPct),
      unit: '%',
      ...(learned ? { target: atLeast(row.tpmCountedPct, 90, ' %') } : {}),
      command: COMMAND,
    },
    {
      benchmark: 'Rate limits',
      measure: `${who}: 429s (tasks done ${row.tasksDone}, failed ${row.tasksFailed})`,
      value: row.rateLimited,
      unit: '',
      ...(learned ? { target: atMost(row.rateLimited, 0) } : {}),
      command: COMMAND,
    },
  ];
}
