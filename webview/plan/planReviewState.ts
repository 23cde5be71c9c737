// The page's copy of the plan under review: replaced by each `planReview`, with the issues the
// host found for that version and the reason of a refused edit.
import type { HostMessage } from '../../src/protocol/messages.js';
import type { PlanIssueView, PlanReviewView } from '../../src/protocol/planReview.js';

/** What the plan editor shows. */
export interface PlanReviewState {
  review: PlanReviewView | undefined;
  /** What the plan of `review.version` must fix before it can run. */
  issues: PlanIssueView[];
  /** Why the host refused the last edit (cleared by the next plan). */
  refused: PlanIssueView[];
  /** What the last edit did beyond the obvious. */
  notice: string | undefined;
  /** Bumped when tasks or edges change, so the graph is laid out again only then. */
  shapeVersion: number;
}

export const EMPTY_PLAN_REVIEW: PlanReviewState = {
  review: undefined,
  issues: [],
  refused: [],
  notice: undefined,
  shapeVersion: 0,
};

/** The host messages of a plan review. */
export type PlanReviewHostMessage = Extract<HostMessage, { type: 'planReview' | 'planIssues' | 'planReviewEnded' }>;

/** The state after one plan review message. */
export function reducePlanReview(state: PlanReviewState, message: PlanReviewHostMessage): PlanReviewState {
  switch (message.type) {
    case 'planReview': {
      const sameRun = state.review?.runId === message.review.runId;
      const reshaped = !sameRun || shapeOf(state.review) !== shapeOf(message.review);
      return {
        review: message.review,
        issues: sameRun ? state.issues : [],
        refused: [],
        notice: message.notice,
        shapeVersion: reshaped ? state.shapeVersion + 1 : state.shapeVersion,
      };
    }
    case 'planIssues':
      if (state.review?.runId !== message.runId || message.version !== state.review.version) return state;
      return message.kind === 'validation'
        ? { ...state, issues: message.issues }
        : { ...state, refused: message.issues, notice: undefined };
    case 'planReviewEnded':
      return state.review?.runId === message.runId
        ? { ...EMPTY_PLAN_REVIEW, shapeVersion: state.shapeVersion + 1 }
        : state;
  }
}

function shapeOf(review: PlanReviewView | undefined): string {
  return review?.tasks.map((t) => `${t.id}<${t.deps.join(',')}`).join('\n') ?? '';
}
