import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error TS1479: webview/ is an ES module package; tsx loads it here through require(esm) at run time.
import { LARGE_GRAPH, layoutGraph, NODE_WIDTH } from '../../../webview/graph/layoutGraph.js';
// @ts-expect-error TS1479: as above.
import { STATUS_STYLE } from '../../../webview/graph/statusStyle.js';
// @ts-expect-error TS1479: as above.
import { DETAIL_ZOOM, nodeVisible, openingView, visibleBox } from '../../../webview/graph/viewport.js';
import { layeredTasks, taskView } from '../../webview/support/panelBuilders';

describe('webview graph layout, viewport and status icons', () => {
  for (const count of [40, LARGE_GRAPH + 100]) {
    it(`lays ${count} tasks out in ranks, dependencies above dependents, no two nodes overlapping`, () => {
      const tasks = layeredTasks(count);
      const layout = layoutGraph(tasks);
      assert.equal(layout.nodes.size, count);
      for (const t of tasks) {
        for (const d of t.deps) {
          assert.ok(layout.nodes.get(d)!.y < layout.nodes.get(t.id)!.y, `${d} above ${t.id}`);
        }
      }
      const byRank = new Map<number, number[]>();
      for (const p of layout.nodes.values()) byRank.set(p.y, [...(byRank.get(p.y) ?? []), p.x]);
      for (const xs of byRank.values()) {
        xs.sort((a, b) => a - b);
        for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! - xs[i - 1]! >= NODE_WIDTH, 'nodes side by side');
      }
      assert.equal(
        layout.edges.length,
        tasks.reduce((n, t) => n + t.deps.length, 0),
      );
      assert.ok(layout.edges.every((e) => e.points.length >= 2));
    });
  }

  it('ignores dependencies on tasks it does not have', () => {
    const layout = layoutGraph([taskView('a', ['missing']), taskView('b', ['a'])]);
    assert.deepEqual(
      layout.edges.map((e) => `${e.from}>${e.to}`),
      ['a>b'],
    );
  });

  it('opens a large graph readable at the top and culls what is out of view', () => {
    const layout = layoutGraph(layeredTasks(LARGE_GRAPH * 3));
    const size = { width: 1200, height: 700 };
    const view = openingView(layout, size);
    assert.ok(view.k >= DETAIL_ZOOM, `opening zoom ${view.k}`);
    const box = visibleBox(view, size);
    const shown = [...layout.nodes.values()].filter((p) => nodeVisible(p, box)).length;
    assert.ok(shown > 0 && shown < layout.nodes.size / 2, `${shown} of ${layout.nodes.size} in view`);
    const small = layoutGraph(layeredTasks(3));
    const fitted = openingView(small, size);
    const all = [...small.nodes.values()].every((p) => nodeVisible(p, visibleBox(fitted, size)));
    assert.ok(all && fitted.k <= 1, 'a small graph opens fitted');
  });

  it('uses the codicon characters codicon.css gives for each status icon', () => {
    const css = readFileSync(join(__dirname, '../../../node_modules/@vscode/codicons/dist/codicon.css'), 'utf8');
    const styles = Object.values(STATUS_STYLE) as { icon: string; glyph: string; label: string; spin?: boolean }[];
    for (const s of styles) {
      const match = new RegExp(`\\.codicon-${s.icon}:before \\{ content: "\\\\([0-9a-f]+)" \\}`).exec(css);
      assert.ok(match, `codicon-${s.icon} exists`);
      assert.equal(s.glyph.codePointAt(0)!.toString(16), match[1], s.icon);
    }
    assert.equal(new Set(styles.map((s) => s.icon)).size, styles.length, 'one icon per status');
    assert.deepEqual(
      styles.filter((s) => s.spin).map((s) => s.label),
      ['running'],
    );
  });
});
