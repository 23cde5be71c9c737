import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';

/** The DAG in the shape both engines are given: ids in topological order, dependencies, latency. */
export interface DagShape {
  ids: readonly string[];
  deps: ReadonlyMap<string, readonly string[]>;
  latencyMs?: ReadonlyMap<string, number>;
}

/** The state is one counter of finished tasks: a reducer that adds, so the state stays O(1). */
const CountState = Annotation.Root({ done: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }) });

/** The few StateGraph calls used here, without the builder's per-node generic types. */
interface LooseGraph {
  addNode(name: string, fn: () => Promise<{ done: number }>): LooseGraph;
  addEdge(from: string | string[], to: string): LooseGraph;
  compile(options?: { checkpointer?: MemorySaver }): {
    invoke(
      input: { done: number },
      config: { recursionLimit: number; maxConcurrency?: number; configurable?: Record<string, string> },
    ): Promise<{ done: number }>;
  };
}

/** What one LangGraph run took. */
export interface LangGraphTiming {
  buildMs: number;
  runMs: number;
  done: number;
}

/**
 * Builds a LangGraph StateGraph with one node per task — an edge from START for a root, an edge
 * from the single dependency, or LangGraph's fan-in join `addEdge([deps…], task)` that waits for
 * all of them — and every sink to END, then invokes it. `maxConcurrency` is LangGraph's own
 * config; `checkpoint` adds its in-memory checkpointer (LangGraph's "store on").
 */
export async function runLangGraph(
  dag: DagShape,
  options: { maxConcurrency?: number; checkpoint?: boolean } = {},
): Promise<LangGraphTiming> {
  setMaxListeners(Math.max(64, dag.ids.length));
  const started = performance.now();
  const graph = new StateGraph(CountState) as unknown as LooseGraph;
  const hasDependants = new Set<string>();
  for (const id of dag.ids) for (const d of dag.deps.get(id) ?? []) hasDependants.add(d);
  for (const id of dag.ids) {
    const ms = dag.latencyMs?.get(id) ?? 0;
    graph.addNode(id, async () => {
      if (ms > 0) await sleep(ms);
      return { done: 1 };
    });
  }
  for (const id of dag.ids) {
    const deps = [...(dag.deps.get(id) ?? [])];
    if (deps.length === 0) graph.addEdge(START, id);
    else if (deps.length === 1) graph.addEdge(deps[0]!, id);
    else graph.addEdge(deps, id);
    if (!hasDependants.has(id)) graph.addEdge(id, END);
  }
  const app = graph.compile(options.checkpoint ? { checkpointer: new MemorySaver() } : {});
  const built = performance.now();
  const result = await app.invoke(
    { done: 0 },
    {
      recursionLimit: dag.ids.length + 10,
      ...(options.maxConcurrency !== undefined && Number.isFinite(options.maxConcurrency)
        ? { maxConcurrency: options.maxConcurrency }
        : {}),
      ...(options.checkpoint ? { configurable: { thread_id: 'bench' } } : {}),
    },
  );
  const finished = performance.now();
  if (result.done !== dag.ids.length)
    throw new Error(`LangGraph finished ${result.done} of ${dag.ids.length} tasks; the graph is wired wrong.`);
  return { buildMs: built - started, runMs: finished - built, done: result.done };
}
