import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  importsOfAncestorFiles,
  importsUnder,
  layerOrderFromMarkdown,
  mutualFolderPairs,
  relativeImports,
  upwardImports,
  type ImportEdge,
} from '../../support/importGraph';

const repoRoot = path.resolve(__dirname, '../../..');
const srcRoot = path.join(repoRoot, 'src');
const coreOrder = layerOrderFromMarkdown(
  readFileSync(path.join(repoRoot, 'docs/architecture.md'), 'utf8'),
  'core-layers',
);
/** The layers of `src/`, top first (docs/architecture.md, "Layers"); only host imports protocol (ESLint keeps protocol from importing core). */
const SRC_ORDER = ['host', 'protocol', 'cli', 'demo', 'core'];

function edge(from: string, to: string): ImportEdge {
  return { from, to };
}

describe('import order', () => {
  describe('the checker', () => {
    it('reads every import form, and only relative ones', () => {
      const text = [
        "import { a } from './a';",
        "import type { B } from '../b/b';",
        "export { c } from './c';",
        "import d = require('./d');",
        "const e = require('./e');",
        "const f = import('./f');",
        "import { z } from 'zod';",
      ].join('\n');
      assert.deepEqual(
        relativeImports('core/x/file.ts', text).map((e) => e.to),
        ['core/x/a', 'core/b/b', 'core/x/c', 'core/x/d', 'core/x/e', 'core/x/f'],
      );
    });

    it('reports an import up the order and a folder missing from it', () => {
      const edges = [
        edge('core/model/a.ts', 'core/run/b'),
        edge('core/run/b.ts', 'core/model/a'),
        edge('core/new/c.ts', 'core/model/a'),
      ];
      assert.deepEqual(upwardImports(edges, 'core', ['run', 'model']), [
        'core/model/a.ts imports core/run/b: model is below run',
        'core/new is not in the layer order; give it its place',
      ]);
    });

    it('reports sibling folders that import each other, at any depth, and nothing else', () => {
      const edges = [
        edge('host/api/a.ts', 'host/commands/b'),
        edge('host/commands/b.ts', 'host/api/a'),
        edge('host/container.ts', 'host/views/v'),
        edge('host/views/v.ts', 'core/model/m'),
      ];
      const pairs = mutualFolderPairs(edges);
      assert.equal(pairs.length, 1, pairs.join('\n'));
      assert.match(pairs[0]!, /^host: api ⇄ commands/);
    });

    it('reports a sub-folder that imports a loose file of a folder above it', () => {
      const edges = [
        edge('host/container.ts', 'host/commands/b'),
        edge('host/launcher.ts', 'core/model/m'),
        edge('host/commands/b.ts', 'host/launcher'),
        edge('host/commands/c.ts', 'host/commands/b'),
      ];
      assert.deepEqual(importsOfAncestorFiles(edges), [
        'host/commands/b.ts imports host/launcher, a file of a folder above it',
      ]);
    });

    it('reads the layer list of a Markdown block', () => {
      const md = 'x\n<!-- l:start -->\n```text\nrun/   top\nmodel/ bottom\n```\n<!-- l:end -->\n';
      assert.deepEqual(layerOrderFromMarkdown(md, 'l'), ['run', 'model']);
      assert.throws(() => layerOrderFromMarkdown('no block', 'l'), /No "<!-- l:start -->"/);
    });
  });

  describe('the source tree', () => {
    const edges = importsUnder(srcRoot);

    it('lists every folder of src/core in docs/architecture.md, and only existing ones', () => {
      assert.ok(coreOrder.length > 5, `the core layer list is too short: ${coreOrder.join(', ')}`);
      const missing = coreOrder.filter((f) => !existsSync(path.join(srcRoot, 'core', f)));
      assert.deepEqual(missing, [], 'docs/architecture.md lists folders that do not exist');
    });

    it('has no import up the layer order in src/core', () => {
      assert.deepEqual(upwardImports(edges, 'core', coreOrder), []);
    });

    it('has no import up the layer order of src/', () => {
      assert.deepEqual(upwardImports(edges, '', SRC_ORDER), []);
    });

    it('has no two sibling folders that import each other, anywhere in src/', () => {
      assert.deepEqual(mutualFolderPairs(edges), []);
    });

    it('has no folder that imports a loose file of a folder above it', () => {
      assert.deepEqual(importsOfAncestorFiles(edges), []);
    });
  });
});
