import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import type { CheckpointPort } from '../../../src/core/checkpoint/checkpointPort';
import { systemClock } from '../../../src/core/common/clock';
import { recordOnEndedRun } from '../../../src/core/store/recordOnEndedRun';
import { RunStore } from '../../../src/core/store/runStore';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import type { ReviewFile, ReviewMessage } from '../../../src/protocol/review';
import { RunReviews, type RunReviewPorts } from '../../../src/host/panel/runReview';
import { openCheckpoints, useTestRepo, writeFiles } from '../checkpoint/gitTestRepo';
import { createRun } from '../store/storeTestUtils';

const RUN = 'run-review-1';
const BEFORE_A = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', ''].join('\n');
const AFTER_A = ['ONE', 'two', 'three', 'four', 'FIVE', 'six', 'seven', 'eight', 'nine', 'ten', ''].join('\n');

describe('host/RunReviews: the whole-run review over real git checkpoints', () => {
  const repo = useTestRepo();
  let storeDir: string;
  let store: RunStore;
  let running: boolean;
  let trusted: boolean;

  beforeEach(async () => {
    storeDir = await mkdtemp(join(tmpdir(), 'ao-review-store-'));
    store = new RunStore({ root: storeDir, flushIntervalMs: 0 });
    const run = createRun(store, RUN);
    const written = await run;
    written.record({ type: 'run.created', seq: 1, at: 1, runId: RUN, goal: 'g', dryRun: false, budget: {} } as never);
    written.record({ type: 'edit.applied', seq: 2, at: 2, runId: RUN, taskId: 'a', approvalId: 'x', path: 'a.txt' });
    written.record({ type: 'edit.applied', seq: 3, at: 3, runId: RUN, taskId: 'b', approvalId: 'y', path: 'b.txt' });
    written.record({ type: 'edit.applied', seq: 4, at: 4, runId: RUN, taskId: 'b', approvalId: 'z', path: 'a.txt' });
    await written.writer.close();
    running = false;
    trusted = true;
  });
  afterEach(async () => {
    await rm(storeDir, { recursive: true, force: true });
  });

  function reviews(checkpoints: CheckpointPort): RunReviews {
    const ports: RunReviewPorts = {
      target: async () => ({ checkpoints, workspace: new NodeWorkspace(repo().dir) }),
      state: async (runId) => (await store.load(runId)).state,
      isRunning: () => running,
      record: async (runId, act) => void (await recordOnEndedRun(store, runId, systemClock, act)),
      assertMayChange: () => {
        if (!trusted) throw new Error('the workspace is not trusted; trust it to change files from the review.');
      },
    };
    return new RunReviews(ports);
  }

  /** A run that edited a.txt in two hunks and b.txt in one, after its first checkpoint. */
  async function editedRun(): Promise<{ review: RunReviews; first: ReviewMessage }> {
    const { dir } = repo();
    await writeFiles(dir, { 'a.txt': BEFORE_A, 'b.txt': 'alpha\nbeta\n' });
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: RUN, taskId: 'a', label: 'before a' });
    await writeFiles(dir, { 'a.txt': AFTER_A, 'b.txt': 'alpha\nBETA\n' });
    const review = reviews(checkpoints);
    return { review, first: await review.review(RUN) };
  }

  function file(message: ReviewMessage, path: string): ReviewFile {
    const found = message.files.find((f) => f.path === path);
    assert.ok(found, `${path} in ${message.files.map((f) => f.path).join(', ')}`);
    return found;
  }

  it('lists each changed file with its hunks, line ranges, counts and the tasks that changed it', async () => {
    const { first } = await editedRun();
    assert.equal(first.status, 'ready');
    assert.deepEqual(
      first.files.map((f) => [f.path, f.status, f.added, f.removed, f.hunks.length, f.tasks]),
      [
        ['a.txt', 'modified', 2, 2, 2, ['a', 'b']],
        ['b.txt', 'modified', 1, 1, 1, ['b']],
      ],
    );
    const [h1, h2] = file(first, 'a.txt').hunks;
    assert.deepEqual([h1?.oldStart, h1?.oldLines, h2?.oldStart, h2?.newStart], [1, 1, 5, 5]);
    assert.deepEqual(
      h2?.lines.map((l) => `${l.kind[0]} ${l.text}`),
      ['c four', 'r five', 'a FIVE', 'c six', 'c seven'],
      'the lines between two hunks are shown once',
    );
  });

  it('reverting the middle hunk puts back exactly its lines and leaves the other hunks; it is recorded', async () => {
    const { review, first } = await editedRun();
    const a = file(first, 'a.txt');
    const after = await review.handle({
      type: 'hunkDecision',
      runId: RUN,
      fileId: a.fileId,
      hunkId: a.hunks[1]!.hunkId,
      decision: 'revert',
    });
    assert.equal(
      await readFile(join(repo().dir, 'a.txt'), 'utf8'),
      ['ONE', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', ''].join('\n'),
    );
    assert.equal(await readFile(join(repo().dir, 'b.txt'), 'utf8'), 'alpha\nBETA\n', 'the other file is untouched');
    assert.match(after?.note ?? '', /Reverted a change in a\.txt/);
    assert.deepEqual(
      file(after!, 'a.txt').hunks.map((h) => h.hunkId),
      [a.hunks[0]!.hunkId],
      'the first hunk keeps its id',
    );
    const { state } = await store.load(RUN);
    assert.equal(state.lastSeq, 5);
    const reloaded = await readFile(join(storeDir, 'runs', RUN, 'events.jsonl'), 'utf8');
    assert.match(reloaded, /"type":"review\.reverted","path":"a\.txt","hunkId":"[0-9a-f]{16}"/);
  });

  it('refuses a revert when the file changed since the review was computed, and changes nothing', async () => {
    const { review, first } = await editedRun();
    const a = file(first, 'a.txt');
    const edited = `${AFTER_A}eleven\n`;
    await writeFile(join(repo().dir, 'a.txt'), edited);
    const after = await review.handle({
      type: 'hunkDecision',
      runId: RUN,
      fileId: a.fileId,
      hunkId: a.hunks[0]!.hunkId,
      decision: 'revert',
    });
    assert.match(after?.note ?? '', /a\.txt changed since this review was computed, so nothing was reverted/);
    assert.equal(await readFile(join(repo().dir, 'a.txt'), 'utf8'), edited);
    assert.equal((await store.load(RUN)).state.lastSeq, 4, 'nothing recorded');
    assert.equal(file(after!, 'a.txt').hunks.length, 3, 'the review now shows the file as it is');
  });

  it('refuses while the run runs, and in an untrusted workspace, with a reason', async () => {
    const { review, first } = await editedRun();
    const b = file(first, 'b.txt');
    running = true;
    const whileRunning = await review.handle({ type: 'revertFile', runId: RUN, fileId: b.fileId });
    assert.match(whileRunning?.note ?? '', /still running/);
    assert.equal(whileRunning?.readOnly, true);
    running = false;
    trusted = false;
    const untrusted = await review.handle({ type: 'revertFile', runId: RUN, fileId: b.fileId });
    assert.match(untrusted?.note ?? '', /Nothing was changed: the workspace is not trusted/);
    assert.equal(await readFile(join(repo().dir, 'b.txt'), 'utf8'), 'alpha\nBETA\n');
  });

  it('records an accepted hunk, which survives a recompute and a new review object, without touching the file', async () => {
    const { review, first } = await editedRun();
    const b = file(first, 'b.txt');
    const hunkId = b.hunks[0]!.hunkId;
    const after = await review.handle({
      type: 'hunkDecision',
      runId: RUN,
      fileId: b.fileId,
      hunkId,
      decision: 'accept',
    });
    assert.equal(file(after!, 'b.txt').hunks[0]?.accepted, true);
    assert.equal(
      file(after!, 'a.txt').hunks.some((h) => h.accepted),
      false,
    );
    assert.equal(await readFile(join(repo().dir, 'b.txt'), 'utf8'), 'alpha\nBETA\n');
    const reopened = await reviews(await openCheckpoints(repo())).review(RUN);
    assert.equal(file(reopened, 'b.txt').hunks[0]?.accepted, true);
    assert.equal((await store.load(RUN)).state.reviewAccepted?.[hunkId], 'b.txt');
  });

  it('reviews added, deleted and binary files; reverting them removes or restores the whole file', async () => {
    const { dir } = repo();
    await writeFile(join(dir, 'img.bin'), Buffer.from([0, 1, 2, 3]));
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: RUN, taskId: 'a', label: 'before a' });
    await writeFile(join(dir, 'img.bin'), Buffer.from([0, 9, 9, 9]));
    await writeFiles(dir, { 'src/new.ts': 'export const n = 1;\nexport const m = 2;\n' });
    await unlink(join(dir, 'README.md'));
    const review = reviews(checkpoints);
    const first = await review.review(RUN);
    const added = file(first, 'src/new.ts');
    const deleted = file(first, 'README.md');
    assert.deepEqual([added.status, added.added, added.removed, added.hunks.length], ['added', 2, 0, 1]);
    assert.deepEqual([deleted.status, deleted.added, deleted.removed], ['deleted', 0, 1]);
    const binary = file(first, 'img.bin');
    assert.deepEqual([binary.status, binary.hunks.length], ['modified', 0]);
    assert.match(binary.note ?? '', /Binary file/);
    await review.handle({ type: 'revertFile', runId: RUN, fileId: binary.fileId });
    assert.deepEqual([...(await readFile(join(dir, 'img.bin')))], [0, 1, 2, 3], 'restored from the checkpoint');
    const afterAdd = await review.handle({
      type: 'hunkDecision',
      runId: RUN,
      fileId: added.fileId,
      hunkId: added.hunks[0]!.hunkId,
      decision: 'revert',
    });
    await assert.rejects(readFile(join(dir, 'src/new.ts')), { code: 'ENOENT' });
    assert.match(afterAdd?.note ?? '', /Removed src\/new\.ts, which the run created/);
    const afterDelete = await review.handle({ type: 'revertFile', runId: RUN, fileId: deleted.fileId });
    assert.equal(await readFile(join(dir, 'README.md'), 'utf8'), 'hello\n');
    assert.deepEqual(afterDelete?.files, []);
    assert.match(afterDelete?.note ?? '', /No changes/);
  });

  it('changes no file while another window owns the run', async () => {
    const { review, first } = await editedRun();
    const a = file(first, 'a.txt');
    const owner = await new RunStore({ root: storeDir, ownerId: 'other-window' }).open(RUN);
    try {
      const after = await review.handle({
        type: 'hunkDecision',
        runId: RUN,
        fileId: a.fileId,
        hunkId: a.hunks[0]!.hunkId,
        decision: 'revert',
      });
      assert.match(after?.note ?? '', /^Nothing was changed: Run "run-review-1" /);
      assert.equal(await readFile(join(repo().dir, 'a.txt'), 'utf8'), AFTER_A);
      assert.equal((await store.load(RUN)).state.lastSeq, 4);
    } finally {
      await owner.writer.close();
    }
  });

  it('a whole-file revert restores the checkpoint’s version of that file only', async () => {
    const { review, first } = await editedRun();
    const after = await review.handle({ type: 'revertFile', runId: RUN, fileId: file(first, 'a.txt').fileId });
    assert.equal(await readFile(join(repo().dir, 'a.txt'), 'utf8'), BEFORE_A);
    assert.equal(await readFile(join(repo().dir, 'b.txt'), 'utf8'), 'alpha\nBETA\n');
    assert.deepEqual(
      after?.files.map((f) => f.path),
      ['b.txt'],
    );
  });

  it('without checkpoints the review says it needs git, and lists nothing', async () => {
    const review = reviews(new NoCheckpoints(repo().dir));
    const message = await review.review(RUN);
    assert.equal(message.status, 'unavailable');
    assert.deepEqual(message.files, []);
    assert.match(message.note ?? '', /The review needs checkpoints \(git\)\. No checkpoints are taken: .*`git init`/);
  });

  it('a run without a checkpoint has nothing to review, and says why', async () => {
    const review = reviews(await openCheckpoints(repo()));
    const message = await review.review(RUN);
    assert.equal(message.status, 'unavailable');
    assert.match(message.note ?? '', /has no checkpoints/);
  });

  it('ids the webview did not get from the last review change nothing', async () => {
    const { review } = await editedRun();
    const after = await review.handle({ type: 'revertFile', runId: RUN, fileId: '0123456789abcdef' });
    assert.match(after?.note ?? '', /no longer in the review/);
    assert.equal(await readFile(join(repo().dir, 'a.txt'), 'utf8'), AFTER_A);
  });
});
