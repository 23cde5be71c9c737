import { homedir } from 'node:os';
import { errorMessage } from '../core/common/errors';
import { neutraliseText } from '../core/common/visibleText';
import { BUILTIN_PROVIDERS } from '../core/llm/builtinProviders';
import type { ProviderTable } from '../core/llm/providerTable';
import { version } from '../../package.json';
import { parseCliArgs } from './cliArgs';
import type { CliIo } from './cliIo';
import { ExitCode } from './exitCodes';
import { helpText } from './helpText';
import { listCommand } from './listCommand';
import { mcpCommand } from './mcpCommand';
import { resumeCommand, runCommand, type StateDirChoice } from './runCommand';
import { showCommand } from './showCommand';
import { defaultStateDir } from './stateDir';
import { UsageError } from './usageError';

/**
 * Runs one CLI invocation (`argv` without `node` and the script) and resolves with its exit code:
 * 0 ok, 1 run failed or cancelled, 2 bad usage or input, 3 run paused. Never throws.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  providers: ProviderTable = BUILTIN_PROVIDERS,
): Promise<number> {
  try {
    const command = parseCliArgs(argv, io.cwd, providers);
    switch (command.kind) {
      case 'help':
        io.stdout.write(helpText(command.topic, providers));
        return ExitCode.ok;
      case 'version':
        io.stdout.write(`${version}\n`);
        return ExitCode.ok;
      case 'list':
        return await listCommand(command, io, stateDirOf(command.stateDir, io).dir);
      case 'show':
        return await showCommand(command, io, stateDirOf(command.stateDir, io).dir);
      case 'run':
        return await runCommand(command, io, stateDirOf(command.stateDir, io), providers);
      case 'resume':
        return await resumeCommand(command, io, stateDirOf(command.stateDir, io), providers);
      case 'mcp':
        return await mcpCommand(command, io, stateDirOf(command.stateDir, io).dir, providers);
    }
  } catch (err) {
    // Messages quote input (a plan, a flag, a file): escapes in it must not drive the terminal.
    if (err instanceof UsageError) {
      io.stderr.write(`agent-orchestrator: ${neutraliseText(err.message).text}\n`);
      return ExitCode.usage;
    }
    io.stderr.write(`agent-orchestrator: error: ${neutraliseText(errorMessage(err)).text}\n`);
    return ExitCode.failed;
  }
}

function stateDirOf(given: string | undefined, io: CliIo): StateDirChoice {
  return given === undefined
    ? { dir: defaultStateDir({ env: io.env, platform: process.platform, home: homedir() }), given: false }
    : { dir: given, given: true };
}
