import './zodJitless';
import { runCli } from './cliMain';
import { processIo, routeConsoleTo } from './cliIo';

// The `agent-orchestrator` command (dist/cliBundle.js, run by cliLoader.ts). Library code must never write to
// stdout, where `--json` promises run events only: console output goes to the CLI's stderr, keys scrubbed.
const io = processIo();
routeConsoleTo(io.stderr);
void runCli(process.argv.slice(2), io).then(async (code) => {
  // Leftover handles (HTTP keep-alive sockets, stdin) must not keep the process alive, but
  // everything already written must reach the pipe first.
  await Promise.all([io.stdout.flush(), io.stderr.flush()]);
  process.exit(code);
});
