import assert from 'node:assert/strict';
import type { ComponentChild, VNode } from 'preact';
// @ts-expect-error TS1479: webview/ is an ES module package; tsx loads it here through require(esm) at run time.
import { MAX_MARKDOWN_CHARS, renderInlineMarkdown, renderMarkdown } from '../../../webview/markdown.js';

/** Every element the renderer made: its tag and attributes. */
function elements(children: ComponentChild | ComponentChild[]): { tag: string; props: Record<string, unknown> }[] {
  const out: { tag: string; props: Record<string, unknown> }[] = [];
  const walk = (c: ComponentChild | ComponentChild[]): void => {
    if (Array.isArray(c)) return c.forEach(walk);
    if (c === null || typeof c !== 'object' || !('type' in c)) return;
    const v = c as VNode<Record<string, unknown>>;
    const { children: inner, ...props } = v.props;
    out.push({ tag: String(v.type), props });
    walk(inner as ComponentChild);
  };
  walk(children);
  return out;
}

/** The text a person sees. */
function text(children: ComponentChild | ComponentChild[]): string {
  if (Array.isArray(children)) return children.map(text).join('');
  if (typeof children === 'string' || typeof children === 'number') return String(children);
  if (children === null || typeof children !== 'object' || !('props' in children)) return '';
  return text((children as VNode<{ children?: ComponentChild }>).props.children);
}

const SAFE_TAGS = new Set(['p', 'strong', 'em', 'del', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'hr', 'br']);
const SAFE_TAGS_MORE = ['span', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
SAFE_TAGS_MORE.forEach((t) => SAFE_TAGS.add(t));
const SAFE_PROPS = new Set(['class', 'title', 'key', 'start']);

describe('webview Markdown renderer (model text)', () => {
  it('renders the usual Markdown as elements', () => {
    const out = renderMarkdown(
      '# Title\n\n**bold** _em_ `a<b>` ~~old~~\n\n- one\n- two\n\n```\nx < y\n```\n\n> quoted',
    );
    const tags = elements(out).map((e) => e.tag);
    for (const tag of ['h4', 'strong', 'em', 'code', 'del', 'ul', 'li', 'pre', 'blockquote']) {
      assert.ok(tags.includes(tag), `${tag} in ${tags.join(' ')}`);
    }
    assert.match(text(out), /a<b>/, 'code is text, not HTML');
    assert.match(text(out), /x < y/);
  });

  it('never makes an image, a link target, HTML or an event handler', () => {
    const attack = [
      '![x](http://127.0.0.1:9/leak) ![ref][r] <img src=http://127.0.0.1:9/i onerror=alert(1)>',
      '[a](javascript:alert(1)) <https://example.com> www.example.com',
      '<svg onload=alert(1)><image href="http://127.0.0.1:9/s"/></svg><style>body{background:url(http://x/)}</style>',
      '<script>alert(1)</script> <iframe src="http://x/"></iframe> <a href="http://x/">a</a>',
      '',
      '<div onclick="alert(1)">block html</div>',
      '',
      '| t | <img src=x> |',
      '|---|---|',
      '| ![c](http://x/c) | [l](javascript:x) |',
      '',
      '[r]: http://127.0.0.1:9/ref',
    ].join('\n');
    for (const out of [renderMarkdown(attack), renderInlineMarkdown(attack)]) {
      for (const e of elements(out)) {
        assert.ok(SAFE_TAGS.has(e.tag), `unexpected <${e.tag}>`);
        for (const name of Object.keys(e.props)) assert.ok(SAFE_PROPS.has(name), `<${e.tag} ${name}>`);
      }
      const shown = text(out);
      assert.match(shown, /<img src=http:\/\/127\.0\.0\.1:9\/i onerror=alert\(1\)>/, 'raw HTML is shown as text');
      assert.match(shown, /<script>alert\(1\)<\/script>/);
      assert.ok(shown.includes('x') && shown.includes('ref'), 'an image shows its alt text');
    }
    const links = elements(renderMarkdown(attack)).filter((e) => e.props.class === 'md-link');
    assert.deepEqual(
      links.map((l) => l.props.title),
      ['javascript:alert(1)', 'https://example.com', 'http://www.example.com', 'http://x/)}', 'javascript:x'],
      'links are text with their address as a tooltip, never an href',
    );
    const images = elements(renderMarkdown(attack)).filter((e) => e.props.class === 'md-image');
    assert.equal(images.length, 3);
  });

  it('decodes the common entities into text and leaves unknown ones as written', () => {
    assert.equal(text(renderInlineMarkdown('a &amp; b &lt;c&gt; &#39;d&#x27; &bogus;')), "a & b <c> 'd' &bogus;");
  });

  it('shows very long or deeply nested text without parsing it into a deep tree', () => {
    const long = 'x'.repeat(MAX_MARKDOWN_CHARS + 1);
    assert.equal(text(renderMarkdown(long)), long);
    const deep = `${'> '.repeat(200)}deep`;
    const out = renderMarkdown(deep);
    assert.ok(elements(out).filter((e) => e.tag === 'blockquote').length <= 17, 'nesting is capped');
    assert.match(text(out), /deep/);
  });
});
