// What the CLI's usage errors add: an example value per option, and why an option a user might
// expect is refused by a command.

/** An example value per option, for the message when one is missing. */
export const EXAMPLES: Readonly<Record<string, string>> = {
  workspace: './my-project',
  provider: 'openai',
  model: 'gpt-4o-mini',
  'base-url': 'http://localhost:11434/v1',
  concurrency: '4',
  'budget-tokens': '200000',
  'budget-usd': '1.50',
  price: 'gpt-4o=2.5/10',
  prices: './prices.json',
  approve: 'never',
  verify: '"npm test"',
  'pass-env': 'JAVA_HOME',
  'mcp-config': '.mcp.json',
  'max-errors': '0',
  'max-warnings': '20',
  'max-failing-tests': '0',
  threshold: '"npm run lint=warnings:20"',
  'repair-attempts': '1',
  'command-timeout': '120',
  'command-max-timeout': '600',
  'command-output-kib': '64',
  'state-dir': './state',
  plan: 'plan.json',
  out: 'plan.json',
};

/** Why an option a user might expect is refused, for the commands where it is. */
export const WHY_NOT: Readonly<Record<string, string>> = {
  'resume:provider': ' A run keeps the provider, model and base URL it was started with.',
  'resume:model': ' A run keeps the provider, model and base URL it was started with.',
  'resume:base-url': ' A run keeps the provider, model and base URL it was started with.',
  'resume:verify': ' A run keeps the --verify commands it was started with.',
  'resume:pass-env': ' A run keeps the --pass-env names it was started with.',
  'resume:max-errors': ' A run keeps the limits it was started with.',
  'resume:max-warnings': ' A run keeps the limits it was started with.',
  'resume:max-failing-tests': ' A run keeps the limits it was started with.',
  'resume:threshold': ' A run keeps the limits it was started with.',
  'resume:repair-attempts': ' A run keeps the repair attempts it was started with.',
  'resume:concurrency': ' A run keeps the concurrency it was started with.',
  'resume:command-timeout': ' A run keeps the command limits it was started with.',
  'resume:command-max-timeout': ' A run keeps the command limits it was started with.',
  'resume:command-output-kib': ' A run keeps the command limits it was started with.',
  'run:markdown': ' Use `agent-orchestrator show <runId> --markdown` after the run.',
};
