// `--price MODEL=IN/OUT` and `--prices FILE`: model prices in USD per million tokens, over the
// built-in list prices. Each problem is a UsageError that says what to give instead.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../core/common/errors';
import { modelPriceSchema, type ModelPrice } from '../core/llm/priceTable';
import { UsageError } from './usageError';

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const PRICE_FLAG = new RegExp(String.raw`^([^=\s]+)=${NUMBER}\/${NUMBER}$`);
const PRICE_FILE = z.record(z.string().min(1), modelPriceSchema);

/** The example every message shows. */
const EXAMPLE = '--price gpt-4o=2.5/10 (input/output USD per million tokens; a key may be provider:model)';

/**
 * The prices of `--prices FILE` (a JSON object `{"model": {"input": 2.5, "output": 10}}`, the
 * shape of the `agentOrchestrator.prices` setting), then of each `--price`, later ones winning;
 * undefined when neither was given.
 */
export function priceArgs(
  flags: readonly string[],
  file: string | undefined,
  cwd: string,
): Record<string, ModelPrice> | undefined {
  if (flags.length === 0 && file === undefined) return undefined;
  const prices: Record<string, ModelPrice> = file === undefined ? {} : readPriceFile(path.resolve(cwd, file));
  for (const flag of flags) {
    const m = PRICE_FLAG.exec(flag.trim());
    if (!m) throw new UsageError(`--price "${flag}" is not MODEL=INPUT/OUTPUT; e.g. ${EXAMPLE}.`);
    prices[m[1]!] = { input: Number(m[2]), output: Number(m[3]) };
  }
  return prices;
}

function readPriceFile(file: string): Record<string, ModelPrice> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `The price file ${file} cannot be read (${errorMessage(err)}); give an existing JSON file to --prices.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `The price file ${file} is not JSON (${errorMessage(err)}); write {"gpt-4o": {"input": 2.5, "output": 10}}.`,
    );
  }
  const parsed = PRICE_FILE.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
    throw new UsageError(
      `The price file ${file} is not a price list (${where}); write {"MODEL": {"input": 2.5, "output": 10}} with USD per million tokens, each >= 0 (optional "cacheRead", "cacheWrite").`,
    );
  }
  return { ...parsed.data };
}
