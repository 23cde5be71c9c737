/** The goal and plans the response-cache engine tests script their planner with. */
export const GOAL = 'Write a note';
export const VALID_PLAN = {
  goal: GOAL,
  tasks: [{ id: 'one', title: 'Write one.txt', requiredCapabilities: ['code'], writes: ['one.txt'] }],
};
/** A plan validation refuses (no such capability), so the planner sends a repair request. */
export const INVALID_PLAN = { goal: GOAL, tasks: [{ ...VALID_PLAN.tasks[0], requiredCapabilities: ['telepathy'] }] };
/** What every answer bills, unless a test says otherwise. */
export const BILLED = { inputTokens: 100, outputTokens: 10 };
