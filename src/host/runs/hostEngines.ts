import type * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { Emitter, type Event } from '../../core/common/emitter';
import { errorMessage } from '../../core/common/errors';
import type { HostEngine } from '../engine/hostEngine';

/** Builds the engine of one workspace folder (the container's `createHostEngine` call). */
export type EngineFactory = (folder: vscode.WorkspaceFolder) => Promise<HostEngine>;

/** An engine held for the lifetime of a run; release it when the run's `done` settles. */
export interface EngineLease {
  readonly engine: HostEngine;
  release(): void;
}

interface Slot {
  readonly folder: vscode.WorkspaceFolder;
  readonly engine: Promise<HostEngine>;
  /** Settings or keys changed since it was built: the next user gets a new engine. */
  stale: boolean;
  /** Runs holding the engine. */
  leases: number;
  disposed: boolean;
}

/**
 * The engines of this window, one per workspace folder, built on first use. When settings or API
 * keys change, every engine goes stale: the next run gets a fresh engine, and a stale one is
 * disposed as soon as no run holds it, so a live run is never pulled from under its engine.
 */
export class HostEngines extends Disposable {
  private readonly slots = new Map<string, Slot>();
  private readonly retired = new Set<Slot>();
  /** A failing listener is logged; it never stops the others or the engine's lifecycle. */
  private readonly created = this._register(new Emitter<HostEngine>((err) => this.listenerFailed(err)));
  private readonly gone = this._register(new Emitter<HostEngine>((err) => this.listenerFailed(err)));

  /** Calls its listener with each engine just before it is disposed. */
  readonly onEngineDisposed: Event<HostEngine> = this.gone.event;

  constructor(
    private readonly factory: EngineFactory,
    private readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn'>,
  ) {
    super();
  }

  /** Calls `listener` with every engine built from now on, and with the engines built already. */
  onEngine(listener: (engine: HostEngine) => void): vscode.Disposable {
    const subscription = this.created.event(listener);
    for (const slot of this.slots.values())
      void slot.engine.then(
        (engine) => {
          try {
            listener(engine);
          } catch (err) {
            this.listenerFailed(err);
          }
        },
        () => undefined,
      );
    return subscription;
  }

  /** The folder's engine, built now if needed; rejects with the factory's error (a `HostEngineError` for the user). */
  get(folder: vscode.WorkspaceFolder): Promise<HostEngine> {
    return this.slotFor(folder).engine;
  }

  /** The folder's engine, held until `release` so settings changes do not dispose it mid-run. */
  async lease(folder: vscode.WorkspaceFolder): Promise<EngineLease> {
    const slot = this.slotFor(folder);
    slot.leases++;
    let engine: HostEngine;
    try {
      engine = await slot.engine;
    } catch (err) {
      slot.leases--;
      throw err;
    }
    let released = false;
    return {
      engine,
      release: () => {
        if (released) return;
        released = true;
        slot.leases--;
        if (slot.stale && slot.leases === 0) this.disposeSlot(slot);
      },
    };
  }

  /** Engines built so far and still current. */
  async current(): Promise<HostEngine[]> {
    const settled = await Promise.allSettled([...this.slots.values()].map((s) => s.engine));
    return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  /** Number of runs holding an engine. */
  get leases(): number {
    let n = 0;
    for (const slot of [...this.slots.values(), ...this.retired]) n += slot.leases;
    return n;
  }

  /** Settings or keys changed: every engine is rebuilt on next use; idle ones are disposed now. */
  invalidate(reason: string): void {
    if (this.slots.size === 0) return;
    this.log.info(`Engines will be rebuilt: ${reason}`);
    for (const [key, slot] of this.slots) {
      this.slots.delete(key);
      slot.stale = true;
      if (slot.leases === 0) this.disposeSlot(slot);
      else this.retired.add(slot);
    }
  }

  /** The folders were removed from the workspace: their engines go when idle. */
  forgetFolders(folders: readonly vscode.WorkspaceFolder[]): void {
    for (const folder of folders) {
      const key = folder.uri.toString();
      const slot = this.slots.get(key);
      if (!slot) continue;
      this.slots.delete(key);
      slot.stale = true;
      if (slot.leases === 0) this.disposeSlot(slot);
      else this.retired.add(slot);
    }
  }

  /** Disposes every engine, live runs or not: the window is closing. Engines come and go, so they are not `_register`ed. */
  override dispose(): void {
    for (const slot of [...this.slots.values(), ...this.retired]) this.disposeSlot(slot);
    this.slots.clear();
    this.retired.clear();
    super.dispose();
  }

  private slotFor(folder: vscode.WorkspaceFolder): Slot {
    const key = folder.uri.toString();
    const existing = this.slots.get(key);
    if (existing) return existing;
    const engine = this.factory(folder);
    const slot: Slot = { folder, engine, stale: false, leases: 0, disposed: false };
    this.slots.set(key, slot);
    engine.then(
      (built) => this.created.fire(built),
      (err: unknown) => {
        // A failed build is not cached: the next attempt (after a key is set, say) tries again.
        if (this.slots.get(key) === slot) this.slots.delete(key);
        this.log.warn(`Engine for ${folder.name} could not be built: ${errorMessage(err)}`);
      },
    );
    return slot;
  }

  private disposeSlot(slot: Slot): void {
    if (slot.disposed) return;
    slot.disposed = true;
    this.retired.delete(slot);
    void slot.engine.then(
      (engine) => {
        this.gone.fire(engine);
        engine.dispose();
      },
      () => undefined,
    );
  }

  private listenerFailed(err: unknown): void {
    this.log.warn(`An engine listener failed: ${errorMessage(err)}`);
  }
}
