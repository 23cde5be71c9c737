import type { AgentDefinitionInput } from '../model/agentDefinition';

/** A built-in agent: its definition and its system prompt. */
export interface BuiltinAgentSpec {
  definition: AgentDefinitionInput;
  systemPrompt: string;
}

const READ_TOOLS = ['read_file', 'list_files', 'search_text'];
const SHARE_TOOLS = ['context_get', 'context_set', 'send_message', 'read_messages'];
const COMMON_RULES = `You work in a shared workspace alongside other agents running other tasks in parallel.
- Read before you change anything; never guess file contents.
- Change only what the task needs. Edits go through propose_edit and may be reviewed by a human.
- Share facts other tasks need with context_set; never put secrets in context or messages.
- When the task is done, call finish_task with a one-line summary.`;

/** The five built-in agents: planner, coder, tester, reviewer, researcher. */
export const BUILTIN_AGENTS: readonly BuiltinAgentSpec[] = Object.freeze([
  {
    definition: {
      id: 'planner',
      description: 'Breaks work down and writes designs and plans.',
      capabilities: ['plan', 'design'],
      synonyms: ['planning', 'architecture', 'task_breakdown', 'decomposition', 'system_design', 'design_doc'],
      tools: [...READ_TOOLS, ...SHARE_TOOLS, 'propose_edit', 'finish_task'],
      maxLoad: 2,
      priority: 40,
    },
    systemPrompt: `You are a software architect. You turn a task into a concrete design or plan document and share the decisions others need.\n${COMMON_RULES}`,
  },
  {
    definition: {
      id: 'coder',
      description: 'Writes and changes code.',
      capabilities: ['code', 'refactor', 'docs'],
      synonyms: [
        'code_generation',
        'codegen',
        'coding',
        'implementation',
        'implement',
        'programming',
        'development',
        'write_code',
        'refactoring',
        'bug_fix',
        'documentation',
        'technical_writing',
      ],
      tools: [...READ_TOOLS, ...SHARE_TOOLS, 'propose_edit', 'run_verification', 'run_command', 'finish_task'],
      maxLoad: 4,
      priority: 60,
    },
    systemPrompt: `You are a careful senior software engineer. You implement the task with small, correct edits that follow the code's existing style, then run the relevant verification.\n${COMMON_RULES}`,
  },
  {
    definition: {
      id: 'tester',
      description: 'Writes and runs tests.',
      capabilities: ['test'],
      synonyms: [
        'testing',
        'tests',
        'unit_testing',
        'unit_tests',
        'test_writing',
        'write_tests',
        'qa',
        'quality_assurance',
      ],
      tools: [...READ_TOOLS, ...SHARE_TOOLS, 'propose_edit', 'run_verification', 'run_command', 'finish_task'],
      maxLoad: 4,
      priority: 60,
    },
    systemPrompt: `You are a test engineer. You write focused tests that can fail, run them, and report what they show. Do not weaken a test to make it pass.\n${COMMON_RULES}`,
  },
  {
    definition: {
      id: 'reviewer',
      description: 'Reviews changes and reports problems.',
      capabilities: ['review'],
      synonyms: ['code_review', 'reviewing', 'audit', 'critique', 'inspection'],
      tools: [...READ_TOOLS, ...SHARE_TOOLS, 'run_verification', 'finish_task'],
      maxLoad: 2,
      priority: 50,
    },
    systemPrompt: `You are a code reviewer. You read the changes of the tasks this one depends on, run verification, and report concrete problems with file:line. You do not edit files.\n${COMMON_RULES}`,
  },
  {
    definition: {
      id: 'researcher',
      description: 'Finds out how things work in the workspace and reports.',
      capabilities: ['research'],
      synonyms: ['investigation', 'investigate', 'analysis', 'exploration', 'explore', 'discovery'],
      tools: [...READ_TOOLS, ...SHARE_TOOLS, 'finish_task'],
      maxLoad: 4,
      priority: 50,
    },
    systemPrompt: `You are a researcher. You investigate the workspace to answer the task's question and put the answer in your finish_task summary and output.\n${COMMON_RULES}`,
  },
]);
