import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error TS1479: webview/ is an ES module package; tsx loads it here through require(esm) at run time.
import { LARGE_GRAPH, layoutGraph, MARGIN, NODE_HEIGHT, NODE_WIDTH } from '../../../webview/graph/layoutGraph.js';
// @ts-expect-error TS1479: as above.
import { STATUS_STYLE } from '../../../webview/graph/statusStyle.js';
// @ts-expect-error TS1479: as above.
import { DETAIL_ZOOM, nodeVisible, openingView, visibleBox } from '../../../webview/graph/viewport.js';
import type { TaskView } from '../../../src/protocol/graph';
import { layeredTasks, taskView } from '../../webview/support/panelBuilders';

type GraphLayout = ReturnType<typeof layoutGraph>;

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

  for (const count of [LARGE_GRAPH - 1, LARGE_GRAPH, 300]) {
    it(`places all ${count} tasks of a graph with long edges and lone tasks, dependencies strictly above`, () => {
      const tasks = longEdgeTasks(count);
      const layout = layoutGraph(tasks);
      assert.equal(layout.note, undefined, 'laid out in ranks');
      assertPlacedApart(layout, tasks);
      for (const t of tasks) {
        for (const d of t.deps) assert.ok(layout.nodes.get(d)!.y < layout.nodes.get(t.id)!.y, `${d} above ${t.id}`);
      }
      assert.equal(
        layout.edges.length,
        tasks.reduce((n, t) => n + t.deps.length, 0),
      );
      for (const e of layout.edges) {
        const [first, last] = [e.points[0]!, e.points[e.points.length - 1]!];
        assert.deepEqual(first, { x: layout.nodes.get(e.from)!.x, y: layout.nodes.get(e.from)!.y + NODE_HEIGHT / 2 });
        assert.deepEqual(last, { x: layout.nodes.get(e.to)!.x, y: layout.nodes.get(e.to)!.y - NODE_HEIGHT / 2 });
      }
    });
  }

  it('draws a graph with a cycle or a task depending on itself on a grid, with a note, instead of throwing', () => {
    const cycle = [
      taskView('a', ['c']),
      taskView('b', ['a']),
      taskView('c', ['b']),
      taskView('d'),
      taskView('e', ['d']),
    ];
    const selfLoop = [taskView('a'), taskView('b', ['b', 'a'])];
    for (const [tasks, note] of [
      [cycle, /^Drawn as a grid: the dependencies form a cycle\. Remove/],
      [selfLoop, /cycle \(b depends on itself\)/],
    ] as const) {
      const layout = layoutGraph(tasks);
      assert.match(layout.note ?? '', note);
      assertPlacedApart(layout, tasks);
      assert.equal(
        layout.edges.length,
        tasks.reduce((n, t) => n + t.deps.length, 0),
      );
      assert.ok(layout.edges.every((e) => e.points.length === 2));
    }
    assert.equal(layoutGraph(cycle.slice(3)).note, undefined, 'without the cycle, in ranks again');
  });

  it('lays out nothing, and repeated ids and dependencies once', () => {
    const empty = layoutGraph([]);
    assert.deepEqual([empty.nodes.size, empty.edges.length, empty.width, empty.height], [0, 0, 0, 0]);
    const layout = layoutGraph([taskView('a'), taskView('b', ['a', 'a']), taskView('a', ['b'])]);
    assert.deepEqual([...layout.nodes.keys()].sort(), ['a', 'b']);
    assert.deepEqual(
      layout.edges.map((e) => `${e.from}>${e.to}`),
      ['a>b'],
    );
    assert.equal(layout.note, undefined, 'the second "a" (which would close a cycle) is ignored');
  });

  it('ignores dependencies on tasks it does not have', () => {
    const layout = layoutGraph([taskView('a', ['missing']), taskView('b', ['a'])]);
    assert.deepEqual(
      layout.edges.map((e) => `${e.from}>${e.to}`),
      ['a>b'],
    );
  });

  it('opens a large graph readable at the top and culls what is out of view', () => {
    const layout = layoutGraph(layeredTasks(600));
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

/** `count` tasks: some alone, the rest depending on one to three earlier tasks up to 12 places back (edges across ranks). */
function longEdgeTasks(count: number): TaskView[] {
  return Array.from({ length: count }, (_, i) => {
    const deps = i % 7 === 3 ? [] : [i - 1, i - 5, i - 12].filter((d, k) => d >= 0 && (i + k) % 3 !== 0);
    return taskView(
      `t${i}`,
      deps.map((d) => `t${d}`),
    );
  });
}

/** Every task has a position inside the drawing, and no two boxes overlap. */
function assertPlacedApart(layout: GraphLayout, tasks: readonly TaskView[]): void {
  const ids = [...new Set(tasks.map((t) => t.id))];
  assert.equal(layout.nodes.size, ids.length);
  const boxes = ids.map((id) => {
    const p = layout.nodes.get(id);
    assert.ok(p && Number.isFinite(p.x) && Number.isFinite(p.y), `${id} placed`);
    assert.ok(p.x - NODE_WIDTH / 2 >= MARGIN - 0.01 && p.x + NODE_WIDTH / 2 <= layout.width - MARGIN + 0.01, `${id} x`);
    assert.ok(
      p.y - NODE_HEIGHT / 2 >= MARGIN - 0.01 && p.y + NODE_HEIGHT / 2 <= layout.height - MARGIN + 0.01,
      `${id} y`,
    );
    return { id, ...p };
  });
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const apart = Math.abs(a.x - b.x) >= NODE_WIDTH - 0.01 || Math.abs(a.y - b.y) >= NODE_HEIGHT - 0.01;
      assert.ok(apart, `${a.id} and ${b.id} overlap`);
    }
  }
}
