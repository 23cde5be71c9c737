// The provider SDKs load on the first call to their provider, not when the extension or the CLI
// starts: most runs use one provider, and each SDK is hundreds of kB to parse. The bundles keep
// them in files of their own (dist/sdk/*.js, see esbuild.mjs).
import type * as AnthropicSdk from '@anthropic-ai/sdk';
import type * as OpenAiSdk from 'openai';
import { errorMessage } from '../common/errors';
import { registerSdkErrors } from './sdkErrors';

let openAi: Promise<typeof OpenAiSdk> | undefined;
let anthropic: Promise<typeof AnthropicSdk> | undefined;

/** The `openai` module, loaded once. */
export function loadOpenAiSdk(): Promise<typeof OpenAiSdk> {
  // `require`, not `import()`: the CommonJS build, whose types the models use, loaded synchronously on first use.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  openAi ??= attempt(() => require('openai') as typeof OpenAiSdk).then(
    (sdk) => {
      registerSdkErrors(sdk);
      return sdk;
    },
    (err: unknown) => {
      openAi = undefined;
      throw loadFailure('OpenAI', err);
    },
  );
  return openAi;
}

/** The `@anthropic-ai/sdk` module, loaded once. */
export function loadAnthropicSdk(): Promise<typeof AnthropicSdk> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  anthropic ??= attempt(() => require('@anthropic-ai/sdk') as typeof AnthropicSdk).then(
    (sdk) => {
      registerSdkErrors(sdk);
      return sdk;
    },
    (err: unknown) => {
      anthropic = undefined;
      throw loadFailure('Anthropic', err);
    },
  );
  return anthropic;
}

/** A promise of what `load` returns, rejected with what it throws. */
function attempt<T>(load: () => T): Promise<T> {
  return new Promise((resolve) => resolve(load()));
}

function loadFailure(name: string, err: unknown): Error {
  return new Error(
    `The ${name} client library could not be loaded (${errorMessage(err)}). Reinstall the extension, or run \`npm install\` for the CLI.`,
    { cause: err },
  );
}
