import type { JsonValue } from '../core/model/runEvents';
import type { SpanNode, SpanRecord } from '../core/observe/spanRecords';
import { clip, formatDuration, formatTokens } from './cliFormat';

/** Attributes shown beside a span, by name, and how they are labelled. */
const SHOWN: ReadonlyArray<readonly [string, string]> = [
  ['taskId', 'task'],
  ['agentId', 'agent'],
  ['attempt', 'attempt'],
  ['tasks', 'tasks'],
  ['gen_ai.response.model', 'model'],
  ['gen_ai.usage.input_tokens', 'in'],
  ['gen_ai.usage.output_tokens', 'out'],
  ['gen_ai.response.finish_reasons', 'finish'],
  ['gen_ai.tool.call.id', 'call'],
  ['error.type', 'error'],
];

/** The span tree of a run as indented lines: name, duration, status and the key attributes. */
export function renderSpanTree(roots: readonly SpanNode[]): string {
  if (roots.length === 0) return 'No spans were recorded for this run (runs by older versions have none).';
  const lines: string[] = [];
  const walk = (node: SpanNode, depth: number): void => {
    lines.push(`${'  '.repeat(depth)}${spanLine(node.span)}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return lines.join('\n');
}

function spanLine(span: SpanRecord): string {
  const timing = span.status === undefined ? 'not ended' : `${formatDuration(span.durationMs ?? 0)} ${span.status}`;
  const attrs = SHOWN.flatMap(([key, label]) => {
    const value = span.attributes[key];
    if (value === undefined || value === null) return [];
    if (key === 'gen_ai.response.model' && value === span.attributes['gen_ai.request.model']) return [];
    return [`${label}=${show(key, value)}`];
  });
  return [clip(span.name, 80), timing, ...attrs].join('  ');
}

function show(key: string, value: JsonValue): string {
  if (typeof value === 'number' && key.startsWith('gen_ai.usage.')) return formatTokens(value);
  if (Array.isArray(value)) return value.map((v) => String(v)).join(',');
  return clip(typeof value === 'string' ? value : JSON.stringify(value), 60);
}
