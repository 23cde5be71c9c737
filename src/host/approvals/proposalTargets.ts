// Which pending proposal an approval command acts on, and where a new proposal's diff goes, free
// of `vscode` so it can be unit-tested. A command names its proposal: an approval id, or the URI
// of the proposal document (diff side or draft) it was invoked from. Without one the user is asked;
// the active or latest proposal is never assumed, since a diff that opened meanwhile is not the one
// the person read (issue 11's focus hazard).

/** What a command's argument names, as the host reads it. */
export type TargetRef =
  /** An approval id (a string, or `{ approvalId }` from the run panel or the run tree). */
  | { kind: 'approvalId'; approvalId: string }
  /** One of our documents: a diff side or an "Edit Proposal…" draft (editor title, CodeLens). */
  | { kind: 'document'; uri: string }
  /** Any other document, e.g. the workspace file a keybinding ran in. */
  | { kind: 'file'; uri: string }
  /** Nothing usable: the command palette, a keybinding, a malformed argument. */
  | { kind: 'none' };

/** What the approvals know, for resolving a target. */
export interface TargetLookup {
  isPending(approvalId: string): boolean;
  /** The pending proposal a document was handed out for; undefined for a stale or foreign one. */
  ownerOfDocument(uri: string): string | undefined;
  /** The pending proposals of a workspace file, oldest first. */
  pendingOfFile(uri: string): string[];
  /** Every pending proposal, oldest first. */
  pending(): string[];
}

/** Which proposal to act on: exactly one, a question among some, or none (with why). */
export type TargetResolution =
  | { kind: 'proposal'; approvalId: string }
  | { kind: 'ask'; among: string[] }
  | { kind: 'none'; why: 'noLongerPending' | 'nothingPending' };

/** Resolves what a command's argument names; it never picks among several on the user's behalf. */
export function resolveTarget(ref: TargetRef, lookup: TargetLookup): TargetResolution {
  switch (ref.kind) {
    case 'approvalId':
      return lookup.isPending(ref.approvalId)
        ? { kind: 'proposal', approvalId: ref.approvalId }
        : { kind: 'none', why: 'noLongerPending' };
    case 'document': {
      const owner = lookup.ownerOfDocument(ref.uri);
      return owner !== undefined && lookup.isPending(owner)
        ? { kind: 'proposal', approvalId: owner }
        : { kind: 'none', why: 'noLongerPending' };
    }
    case 'file': {
      const ofFile = lookup.pendingOfFile(ref.uri);
      if (ofFile.length === 1) return { kind: 'proposal', approvalId: ofFile[0] as string };
      return ofFile.length > 1 ? { kind: 'ask', among: ofFile } : askAmong(lookup.pending());
    }
    case 'none':
      return askAmong(lookup.pending());
  }
}

function askAmong(ids: string[]): TargetResolution {
  return ids.length === 0 ? { kind: 'none', why: 'nothingPending' } : { kind: 'ask', among: ids };
}

/**
 * Where a new proposal's diff opens: in front ("reveal", still without taking the keyboard focus)
 * only when no other pending proposal is showing in an editor group; otherwise as a background tab,
 * so the diff a person is reading stays in front and keeps its Accept/Reject.
 */
export function arrivalPlacement(shownIds: readonly string[], newId: string): 'reveal' | 'background' {
  return shownIds.some((id) => id !== newId) ? 'background' : 'reveal';
}

/** Orders the choices of the "which edit?" question: the one in the active editor first, then oldest first. */
export function askOrder(among: readonly string[], activeId: string | undefined): string[] {
  return activeId !== undefined && among.includes(activeId)
    ? [activeId, ...among.filter((id) => id !== activeId)]
    : [...among];
}
