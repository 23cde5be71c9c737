// The provider SDKs load on the first call to their provider, not when the extension or the CLI
// starts: most runs use one provider, and each SDK is hundreds of kB to parse. The bundles keep
// them in files of their own (dist/sdk/*.js, see esbuild.mjs).
import type * as AnthropicSdk from '@anthropic-ai/sdk';
import type * as OpenAiSdk from 'openai';
import { errorMessage } from '../common/errors';
import { registerSdkErrors, type SdkErrorClasses } from './sdkErrors';

// `require`, not `import()`: the CommonJS build, whose types the models use. Each stays a literal
// `require('<package>')` so the bundler can point it at the SDK's own file.

/** The `openai` module, loaded once. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadOpenAiSdk = lazySdk('OpenAI', () => require('openai') as typeof OpenAiSdk);

/** The `@anthropic-ai/sdk` module, loaded once. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadAnthropicSdk = lazySdk('Anthropic', () => require('@anthropic-ai/sdk') as typeof AnthropicSdk);

/** A loader that requires an SDK on its first call, registers its error classes, and keeps it; a failed load is tried again next time. */
function lazySdk<T extends SdkErrorClasses>(name: string, load: () => T): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= new Promise<T>((resolve) => resolve(load())).then(
      (sdk) => {
        registerSdkErrors(sdk);
        return sdk;
      },
      (err: unknown) => {
        loaded = undefined;
        throw new Error(
          `The ${name} client library could not be loaded (${errorMessage(err)}). Reinstall the extension, or run \`npm install\` for the CLI.`,
          { cause: err },
        );
      },
    );
    return loaded;
  };
}

/**
 * Loads Node's own fetch (undici: tens of milliseconds to compile and run), which Node does on the
 * first use of `fetch`, `Headers` or `Request`; both SDKs make a `Headers` for every request.
 */
export function preloadFetch(): void {
  // Reading the global is what loads it.
  void globalThis.Headers;
}
