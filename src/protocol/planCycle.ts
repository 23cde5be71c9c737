// The one cycle check of a drawn dependency, shared by the webview (refused before it posts) and
// the host (which checks again). Pure; the plan's own validator still checks whole plans.

/** The least a task needs for the check. */
export interface DependencyNode {
  readonly id: string;
  readonly deps: readonly string[];
}

/**
 * Whether "`taskId` depends on `dependsOn`" would close a cycle: the chain by which `dependsOn`
 * already depends on `taskId` (`[dependsOn, …, taskId]`), or undefined when the edge is safe. A
 * task depending on itself is the chain `[taskId]`.
 */
export function wouldCreateCycle(
  tasks: readonly DependencyNode[],
  taskId: string,
  dependsOn: string,
): string[] | undefined {
  if (taskId === dependsOn) return [taskId];
  const depsOf = new Map(tasks.map((t) => [t.id, t.deps]));
  // Breadth-first from `dependsOn` along dependencies; the first path that reaches `taskId` is the shortest.
  const cameFrom = new Map<string, string | undefined>([[dependsOn, undefined]]);
  const queue = [dependsOn];
  for (let head = 0; head < queue.length; head++) {
    const at = queue[head]!;
    for (const dep of depsOf.get(at) ?? []) {
      if (cameFrom.has(dep)) continue;
      cameFrom.set(dep, at);
      if (dep === taskId) {
        const chain = [dep];
        for (let n = cameFrom.get(dep); n !== undefined; n = cameFrom.get(n)) chain.push(n);
        return chain.reverse();
      }
      queue.push(dep);
    }
  }
  return undefined;
}

/** Why the edge is refused, in words: `"b" already depends on "a" through "c"`. */
export function cycleReason(chain: readonly string[], taskId: string, dependsOn: string): string {
  if (chain.length === 1) return `"${taskId}" cannot depend on itself.`;
  const through = chain.slice(1, -1);
  const via = through.length === 0 ? '' : ` through ${through.map((id) => `"${id}"`).join(', ')}`;
  return `"${dependsOn}" already depends on "${taskId}"${via}, so "${taskId}" cannot depend on "${dependsOn}" (that would be a cycle).`;
}
