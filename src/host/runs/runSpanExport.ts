import type { RunEvent } from '../../core/model/runEvents';
import { OtlpSpanExporter } from '../../core/observe/otlpSpanExporter';

/**
 * Exports the spans of this window's runs to the OTLP collector of the user setting
 * `agentOrchestrator.telemetry.otlpEndpoint` (user-only: a workspace cannot redirect run data).
 * The setting is read when a run starts or resumes; spans are sent as they end and the rest when
 * the run completes or pauses. An empty setting costs one map lookup per event.
 */
export class RunSpanExport {
  private readonly runs = new Map<string, OtlpSpanExporter>();
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    /** The setting's current value; '' for no export. */
    private readonly endpoint: () => string,
    private readonly warn: (message: string) => void,
  ) {}

  /** Takes one event of any run of the window. */
  append(event: RunEvent): void {
    let exporter = this.runs.get(event.runId);
    if (exporter === undefined && (event.type === 'run.created' || event.type === 'run.resumed')) {
      exporter = this.start(event.runId);
    }
    if (exporter === undefined) return;
    exporter.onEvent(event);
    if (event.type === 'run.completed' || event.type === 'run.paused') {
      this.runs.delete(event.runId);
      const flush = exporter.flush().finally(() => this.flushing.delete(flush));
      this.flushing.add(flush);
    }
  }

  /** Resolves once the spans of every run that ended so far have been sent (or failed to be). */
  async idle(): Promise<void> {
    await Promise.all([...this.flushing]);
  }

  private start(runId: string): OtlpSpanExporter | undefined {
    const endpoint = this.endpoint();
    if (endpoint === '') return undefined;
    try {
      const exporter = new OtlpSpanExporter({ endpoint, runId, warn: this.warn });
      this.runs.set(runId, exporter);
      return exporter;
    } catch (err) {
      this.warn(`Spans of run ${runId} are not exported: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}
