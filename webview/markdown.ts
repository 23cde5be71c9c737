// Model text as sanitised Markdown. marked only tokenises (its HTML renderer is never used); this
// module turns the tokens into Preact elements from a fixed set of tags with no attributes a page
// could act on. Raw HTML stays text, an image becomes its alt text, a link is its text with the
// address as a tooltip and no href: nothing model-written can make a request or run a script.
import { h, type ComponentChild } from 'preact';
import { Lexer, type Token, type Tokens } from 'marked';

/** Longer texts are shown as plain text: no tokeniser work on megabytes a model may have written. */
export const MAX_MARKDOWN_CHARS = 50_000;
/** Deeper nesting (quotes in lists in quotes …) is flattened to its text. */
const MAX_DEPTH = 16;

/** The text as Markdown elements (blocks: paragraphs, lists, code, tables …). */
export function renderMarkdown(text: string): ComponentChild[] {
  if (text.length > MAX_MARKDOWN_CHARS) return [h('p', { class: 'md-plain' }, text)];
  return blocks(Lexer.lex(text, { gfm: true }), 0);
}

/** The text as inline Markdown only (emphasis, code, links as text), for one-line places. */
export function renderInlineMarkdown(text: string): ComponentChild[] {
  if (text.length > MAX_MARKDOWN_CHARS) return [text];
  return inline(Lexer.lexInline(text, { gfm: true }), 0);
}

function blocks(tokens: readonly Token[], depth: number): ComponentChild[] {
  return tokens.map((t) => block(t, depth));
}

function block(t: Token, depth: number): ComponentChild {
  if (depth > MAX_DEPTH) return t.raw;
  const d = depth + 1;
  switch (t.type) {
    case 'space':
    case 'def':
      return null;
    case 'paragraph':
      return h('p', null, inline((t as Tokens.Paragraph).tokens, d));
    case 'heading': {
      const heading = t as Tokens.Heading;
      return h(`h${Math.min(6, heading.depth + 3)}`, { class: 'md-heading' }, inline(heading.tokens, d));
    }
    case 'code':
      return h('pre', { class: 'md-code' }, h('code', null, (t as Tokens.Code).text));
    case 'blockquote':
      return h('blockquote', null, blocks((t as Tokens.Blockquote).tokens, d));
    case 'list': {
      const list = t as Tokens.List;
      const items = list.items.map((item, i) => h('li', { key: i }, blocks(item.tokens, d)));
      return list.ordered
        ? h('ol', { start: list.start === '' ? undefined : list.start }, items)
        : h('ul', null, items);
    }
    case 'checkbox':
      return (t as Tokens.Checkbox).checked ? '[x] ' : '[ ] ';
    case 'table': {
      const table = t as Tokens.Table;
      const cell = (tag: string, c: Tokens.TableCell, i: number): ComponentChild =>
        h(tag, { key: i }, inline(c.tokens, d));
      return h(
        'table',
        { class: 'md-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            table.header.map((c, i) => cell('th', c, i)),
          ),
        ),
        h(
          'tbody',
          null,
          table.rows.map((row, r) =>
            h(
              'tr',
              { key: r },
              row.map((c, i) => cell('td', c, i)),
            ),
          ),
        ),
      );
    }
    case 'hr':
      return h('hr', null);
    case 'text': {
      const text = t as Tokens.Text;
      return text.tokens ? inline(text.tokens, d) : decodeEntities(text.text);
    }
    default:
      // Block HTML and anything this renderer does not know: the text as written.
      return h('p', null, t.raw);
  }
}

function inline(tokens: readonly Token[] | undefined, depth: number): ComponentChild[] {
  return (tokens ?? []).map((t) => inlineToken(t, depth));
}

function inlineToken(t: Token, depth: number): ComponentChild {
  if (depth > MAX_DEPTH) return t.raw;
  const d = depth + 1;
  switch (t.type) {
    case 'text': {
      const text = t as Tokens.Text;
      return text.tokens ? inline(text.tokens, d) : decodeEntities(text.text);
    }
    case 'escape':
      return (t as Tokens.Escape).text;
    case 'strong':
      return h('strong', null, inline((t as Tokens.Strong).tokens, d));
    case 'em':
      return h('em', null, inline((t as Tokens.Em).tokens, d));
    case 'del':
      return h('del', null, inline((t as Tokens.Del).tokens, d));
    case 'codespan':
      return h('code', null, (t as Tokens.Codespan).text);
    case 'br':
      return h('br', null);
    case 'link': {
      // No href: the webview never navigates; the address shows as a tooltip, to read or copy by hand.
      const link = t as Tokens.Link;
      return h('span', { class: 'md-link', title: link.href }, inline(link.tokens, d));
    }
    case 'image': {
      // Never an <img>: a remote image would be a request (checklist 13). Its alt text stands in.
      const image = t as Tokens.Image;
      return h('span', { class: 'md-image', title: image.href }, image.text || 'image');
    }
    default:
      // Inline HTML (`<img …>`, `<svg onload=…>`, `<style>`) and unknown tokens: the text as written.
      return t.raw;
  }
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** The few entities models write (`&amp;`, `&#39;`), decoded into text; anything else stays as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
