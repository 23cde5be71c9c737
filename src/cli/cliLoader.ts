import { join } from 'node:path';
import { isSdkBundle, requireWithCodeCache } from '../core/common/codeCachedModule';

// The `agent-orchestrator` command (dist/cli.js): runs the CLI bundle (dist/cliBundle.js, from
// cli.ts) through V8's code cache, so only the first run after a build compiles it from source.
// The bundle's requires of the provider SDKs (dist/sdk/*.js, see esbuild.mjs) go through it too,
// each with a cache of its own: the first model request then reads compiled code instead of
// compiling hundreds of kB of SDK.
// The cache sits beside the bundle (dist/code-cache/): it is exactly as trusted as the bundle,
// unlike a shared temp folder where another user could plant compiled code. Where that folder
// cannot be written (a read-only install), every run compiles from source, as without a cache.
// The caches are written when the process exits, so they hold every function the run compiled.
// One cache per command: each holds the functions its kind of run compiled.
const command = process.argv[2] ?? '';
const variant = ['run', 'resume', 'show', 'list', 'mcp'].includes(command) ? command : 'other';
const loaded = requireWithCodeCache(join(__dirname, 'cliBundle.js'), join(__dirname, 'code-cache'), {
  variant,
  cachedRequires: isSdkBundle,
});
process.once('exit', () => loaded.saveCacheNow());
