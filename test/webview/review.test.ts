import assert from 'node:assert/strict';
import type { ReviewFile, ReviewHunk, ReviewMessage } from '../../src/protocol/review';
import { useBrowserSuite, usePanelPage } from './support/browserSuite';
import { RUN_ID, snapshot, taskView } from './support/panelBuilders';

/** A hunk replacing `removed` with `added` lines. */
function hunk(hunkId: string, removed: string[], added: string[], accepted = false): ReviewHunk {
  return {
    hunkId,
    oldStart: 3,
    oldLines: removed.length,
    newStart: 3,
    newLines: added.length,
    lines: [
      { kind: 'context', text: 'unchanged' },
      ...removed.map((text) => ({ kind: 'removed' as const, text })),
      ...added.map((text) => ({ kind: 'added' as const, text })),
    ],
    moreLines: 0,
    accepted,
  };
}

function reviewFile(fileId: string, path: string, hunks: ReviewHunk[], status: ReviewFile['status'] = 'modified') {
  const added = hunks.reduce((n, x) => n + x.lines.filter((l) => l.kind === 'added').length, 0);
  const removed = hunks.reduce((n, x) => n + x.lines.filter((l) => l.kind === 'removed').length, 0);
  return { fileId, path, status, added, removed, tasks: ['a'], hunks, moreHunks: 0 } satisfies ReviewFile;
}

const FILE_A = 'aaaaaaaaaaaaaaaa';
const FILE_B = 'bbbbbbbbbbbbbbbb';
const H1 = '1111111111111111';
const H2 = '2222222222222222';
const H3 = '3333333333333333';

function review(extra: Partial<ReviewMessage> = {}): ReviewMessage {
  return {
    type: 'review',
    runId: RUN_ID,
    status: 'ready',
    files: [
      reviewFile(FILE_A, 'src/a.ts', [hunk(H1, ['old one'], ['new one']), hunk(H2, ['old two'], ['new two', 'more'])]),
      reviewFile(FILE_B, 'src/b.ts', [hunk(H3, [], ['added line'], true)], 'added'),
    ],
    moreFiles: 0,
    readOnly: false,
    ...extra,
  };
}

describe('run panel review tab (headless Chromium)', function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();
  const panel = usePanelPage(suite, async (p) => {
    await p.send(snapshot([taskView('a', [], { status: 'succeeded' })]));
  });

  it('asks for the review when opened, then lists files with counts and their hunks as a unified diff', async () => {
    await panel().page.locator('[data-testid=tab-review]').click();
    // The request is posted by the tab's effect, after the click's render.
    await panel().page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 1);
    assert.deepEqual((await panel().posted()).slice(1), [{ type: 'reviewRequest', runId: RUN_ID }]);
    await panel().send(review());
    await panel().page.locator('[data-testid=review-summary]').waitFor();
    assert.equal(await panel().page.locator('[data-testid=review-summary]').textContent(), '2 files changed, +4 −2');
    assert.deepEqual(await panel().page.locator('[data-file-id] .review-toggle').allTextContents(), [
      'M src/a.ts +3 −2',
      'A src/b.ts +1 −0',
    ]);
    const hunkA2 = panel().page.locator(`[data-hunk-id="${H2}"] .review-line`);
    assert.deepEqual(await hunkA2.allTextContents(), ['  unchanged', '- old two', '+ new two', '+ more']);
    const added = await panel()
      .page.locator(`[data-hunk-id="${H2}"] .review-line-added`)
      .first()
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(added, 'rgba(0, 0, 0, 0)', 'added lines take a diff editor background');
    assert.equal(await panel().page.locator(`[data-hunk-id="${H3}"]`).getAttribute('data-accepted'), 'true');
  });

  it('Revert and Accept post hunkDecision with the ids; Accept marks the hunk kept; file actions post ids', async () => {
    await panel().page.locator('[data-testid=tab-review]').click();
    await panel().send(review());
    await panel().page.locator(`[data-hunk-id="${H2}"] [data-testid=hunk-revert]`).click();
    await panel().page.locator(`[data-hunk-id="${H1}"] [data-testid=hunk-accept]`).click();
    await panel().page.locator(`[data-hunk-id="${H1}"][data-accepted=true]`).waitFor();
    assert.equal(await panel().page.locator(`[data-hunk-id="${H1}"] [data-testid=kept]`).textContent(), 'Kept');
    await panel().page.locator(`[data-file-id="${FILE_B}"] [data-testid=revert-file]`).click();
    await panel().page.locator(`[data-file-id="${FILE_A}"] [data-testid=review-open-diff]`).click();
    assert.deepEqual((await panel().posted()).slice(2), [
      { type: 'hunkDecision', runId: RUN_ID, fileId: FILE_A, hunkId: H2, decision: 'revert' },
      { type: 'hunkDecision', runId: RUN_ID, fileId: FILE_A, hunkId: H1, decision: 'accept' },
      { type: 'revertFile', runId: RUN_ID, fileId: FILE_B },
      { type: 'openReviewDiff', runId: RUN_ID, fileId: FILE_A },
    ]);
  });

  it('is keyboard accessible: a file folds with Enter on its toggle, hunk buttons work from the keyboard', async () => {
    await panel().page.locator('[data-testid=tab-review]').click();
    await panel().send(review());
    const toggle = panel().page.locator(`[data-file-id="${FILE_A}"] .review-toggle`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.focus();
    await panel().page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await panel().page.locator(`[data-hunk-id="${H1}"]`).count(), 0);
    await panel().page.keyboard.press('Enter');
    await panel().page.locator(`[data-hunk-id="${H1}"]`).waitFor();
    await panel().page.locator(`[data-hunk-id="${H1}"] [data-testid=hunk-revert]`).focus();
    await panel().page.keyboard.press('Enter');
    assert.deepEqual((await panel().posted()).at(-1), {
      type: 'hunkDecision',
      runId: RUN_ID,
      fileId: FILE_A,
      hunkId: H1,
      decision: 'revert',
    });
  });

  it('shows why a review is unavailable, and disables changes while the run runs', async () => {
    await panel().page.locator('[data-testid=tab-review]').click();
    await panel().send({
      type: 'review',
      runId: RUN_ID,
      status: 'unavailable',
      files: [],
      moreFiles: 0,
      readOnly: false,
      note: 'The review needs checkpoints (git). Run `git init` in the workspace.',
    });
    await panel().page.locator('[data-testid=review-note]', { hasText: 'needs checkpoints (git)' }).waitFor();
    await panel().send(review({ readOnly: true }));
    await panel().page.locator(`[data-hunk-id="${H1}"]`).waitFor();
    await panel().page.locator(`[data-hunk-id="${H1}"] [data-testid=hunk-revert]`).click();
    assert.deepEqual((await panel().posted()).slice(2), [], 'nothing posted from a read-only review');
  });

  it('offers "Review changes" when the shown run ends, and opens the review tab from it', async () => {
    await panel().send(snapshot([taskView('a', [], { status: 'running' })]));
    assert.equal(await panel().page.locator('[data-testid=review-prompt]').count(), 0);
    await panel().send({ type: 'event', runId: RUN_ID, event: { kind: 'run', status: 'succeeded' } });
    await panel().page.locator('[data-testid=review-changes]').click();
    await panel().page.locator('[data-testid=tab-review][aria-selected=true]').waitFor();
    assert.deepEqual((await panel().posted()).at(-1), { type: 'reviewRequest', runId: RUN_ID });
  });
});
