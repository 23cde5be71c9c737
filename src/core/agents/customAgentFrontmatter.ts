import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';

/** A custom agent file split into its parsed frontmatter fields and its Markdown body. */
export type CustomAgentFrontmatter =
  { ok: true; fields: Record<string, unknown>; body: string } | { ok: false; error: string };

/** Frontmatter needs no aliasing at all; a small cap defeats "billion laughs" expansion. */
const MAX_ALIAS_COUNT = 16;

const FENCE = /^---[ \t]*$/;

/**
 * Splits `---`-fenced YAML frontmatter from the body and parses it safely: YAML 1.2 core schema,
 * no tags of any kind (so nothing but plain data can be built), unique keys, few aliases.
 * Errors carry no file name; the caller adds it. Line numbers count from the top of the file.
 */
export function parseCustomAgentFrontmatter(text: string): CustomAgentFrontmatter {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!FENCE.test(lines[0] ?? '')) return fail('missing frontmatter (the file must start with a line "---")');
  const close = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (close < 0) return fail('the frontmatter is not closed (add a line "---" after the last field)');
  const source = lines.slice(1, close).join('\n');
  const body = lines.slice(close + 1).join('\n');

  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { schema: 'core', prettyErrors: false, uniqueKeys: true, lineCounter });
  // Frontmatter starts on the file's second line.
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line + 1;
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineOf(yamlError.pos[0]);
    if (yamlError.code === 'DUPLICATE_KEY') {
      const key = source.slice(yamlError.pos[0]).split(/[:\n]/)[0]?.trim() ?? '';
      return fail(`line ${line}: field "${key}" appears more than once; keep one`);
    }
    return fail(`line ${line}: invalid YAML in the frontmatter: ${yamlError.message}`);
  }
  let refused: string | undefined;
  visit(doc, {
    Node(_key, node) {
      if (node.tag !== undefined) {
        const tag = node.tag.replace(/^tag:yaml\.org,2002:/, '!!');
        refused = `line ${lineOf(node.range?.[0] ?? 0)}: YAML tags such as "${tag}" are not allowed in the frontmatter; write plain values`;
        return visit.BREAK;
      }
      return undefined;
    },
    Pair(_key, pair) {
      // A list or map used as a key cannot become a plain object key.
      if (!isScalar(pair.key)) {
        refused = `line ${lineOf(keyOffset(pair.key))}: a frontmatter key must be a plain name`;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (refused !== undefined) return fail(refused);
  if (doc.contents !== null && !isMap(doc.contents)) {
    return fail('the frontmatter must be "key: value" fields, one per line');
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError)
      return fail(`the frontmatter uses too many YAML aliases (at most ${MAX_ALIAS_COUNT}); write the values out`);
    throw err;
  }
  const fields = value === null || value === undefined ? {} : (value as Record<string, unknown>);
  return { ok: true, fields, body };
}

function fail(error: string): CustomAgentFrontmatter {
  return { ok: false, error };
}

function keyOffset(key: unknown): number {
  const range = (key as { range?: [number, number, number] } | null)?.range;
  return range?.[0] ?? 0;
}
