// Child process: rewrites one workspace file through the CLI's port forever, alternating two large
// contents, so the parent can SIGKILL it while a temp file is on disk.
import { NodeWorkspace } from '../../../../src/cli/nodeWorkspace';

const [root, file] = process.argv.slice(2);
if (!root || !file) throw new Error('usage: workspaceWriteLoop <root> <file>');
const workspace = new NodeWorkspace(root, { maxFileBytes: 64 * 1024 * 1024 });
const size = 8 * 1024 * 1024;
const contents = ['A'.repeat(size), 'B'.repeat(size)];

void (async () => {
  for (let i = 0; ; i++) {
    await workspace.writeFile(file, contents[i % 2]!);
    if (i === 1) process.stdout.write('ready\n');
  }
})();
