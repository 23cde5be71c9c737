/** Which virtual document a proposal URI names. */
export type ProposalSide =
  /** The proposed text (the right-hand side of the diff). */
  | 'proposed'
  /** An empty document: the left-hand side for a file that does not exist yet. */
  | 'empty'
  /** A stored snapshot (an applied edit's earlier content), named by `id`. */
  | 'snapshot';

/** What a proposal URI's query carries. */
export interface ProposalQuery {
  /** The approval id (or snapshot key). */
  id: string;
  side: ProposalSide;
  /** Changes whenever the proposal is opened anew, so the editor never shows a cached older text. */
  version: number;
}

const SIDES: readonly ProposalSide[] = ['proposed', 'empty', 'snapshot'];

/** The query string of a proposal URI; every value is percent-encoded. */
export function formatProposalQuery(query: ProposalQuery): string {
  return new URLSearchParams({ id: query.id, side: query.side, v: String(query.version) }).toString();
}

/** Reads a proposal URI's query; undefined when it is not one of ours. */
export function parseProposalQuery(query: string): ProposalQuery | undefined {
  const params = new URLSearchParams(query);
  const id = params.get('id');
  const side = params.get('side');
  const version = Number(params.get('v') ?? '0');
  if (
    id === null ||
    id === '' ||
    side === null ||
    !(SIDES as readonly string[]).includes(side) ||
    !Number.isSafeInteger(version)
  )
    return undefined;
  return { id, side: side as ProposalSide, version };
}

/**
 * The URI path of a proposal for a workspace-relative path: the path itself, so the tab shows the
 * file name and the language follows its extension. Undefined for a path that is absolute or
 * climbs out of the workspace (the engine never proposes one; refused anyway).
 */
export function proposalPath(relative: string): string | undefined {
  const parts = relative.replace(/\\/g, '/').split('/');
  if (
    relative === '' ||
    relative.startsWith('/') ||
    /^[a-zA-Z]:/.test(relative) ||
    parts.some((p) => p === '..' || p === '')
  )
    return undefined;
  return `/${parts.join('/')}`;
}
