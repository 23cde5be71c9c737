// Child process: rewrites one file with writeFileAtomic forever, alternating two large contents,
// so the parent can kill it at a random moment mid-write.
import { writeFileAtomic } from '../../../../src/core/store/atomicFile';

const target = process.argv[2];
if (!target) throw new Error('usage: atomicWriteLoop <file>');
const size = 4 * 1024 * 1024;
const contents = ['A'.repeat(size), 'B'.repeat(size)];

void (async () => {
  for (let i = 0; ; i++) {
    await writeFileAtomic(target, contents[i % 2]!);
    if (i === 1) process.stdout.write('ready\n');
  }
})();
