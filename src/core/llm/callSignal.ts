/**
 * A signal for one SDK call that follows `parent`. The `openai` SDK leaves its abort listener on
 * the signal it is given until that signal aborts, so handing it a task's long-lived signal would
 * pile up one listener (and one retained request) per model call; a child signal per call is
 * dropped with the call, and `dispose` takes our single listener off the parent.
 */
export function callSignal(parent: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const child = new AbortController();
  if (parent.aborted) {
    child.abort(parent.reason);
    return { signal: child.signal, dispose: () => undefined };
  }
  const onAbort = (): void => child.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { signal: child.signal, dispose: () => parent.removeEventListener('abort', onAbort) };
}
