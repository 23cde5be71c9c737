import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { sourceFiles } from '../../support/importGraph';

const srcRoot = path.resolve(__dirname, '../../../src');
const hostFiles = sourceFiles(srcRoot).filter((f) => f.startsWith('host/'));

function source(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(srcRoot, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Every class declaration of a file, with what it extends and implements and how it declares `dispose`. */
function classesOf(file: string): Array<{ name: string; implements: string[]; dispose?: { override: boolean } }> {
  const out: Array<{ name: string; implements: string[]; dispose?: { override: boolean } }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node)) {
      const implemented = (node.heritageClauses ?? [])
        .filter((c) => c.token === ts.SyntaxKind.ImplementsKeyword)
        .flatMap((c) => c.types.map((t) => t.expression.getText()));
      const dispose = node.members.find((m) => ts.isMethodDeclaration(m) && m.name.getText() === 'dispose') as
        ts.MethodDeclaration | undefined;
      out.push({
        name: node.name?.getText() ?? '(anonymous)',
        implements: implemented,
        ...(dispose
          ? { dispose: { override: (dispose.modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.OverrideKeyword) } }
          : {}),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source(file));
  return out;
}

describe('Host disposables follow one pattern (a Disposable base with _register)', () => {
  it('a host class that disposes anything extends Disposable: it overrides dispose(), never implements it', () => {
    const offenders: string[] = [];
    for (const file of hostFiles) {
      for (const c of classesOf(file)) {
        if (c.dispose && !c.dispose.override) offenders.push(`${file}: ${c.name} declares its own dispose()`);
        for (const i of c.implements)
          if (/(^|\.)Disposable(Like)?$/.test(i)) offenders.push(`${file}: ${c.name} implements ${i}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('no disposables are handed around in arrays or bundled with Disposable.from', () => {
    const offenders = hostFiles.filter((file) =>
      /Disposable\.from\(|Disposable(Like)?\[\]/.test(readFileSync(path.join(srcRoot, file), 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });

  it('only activate() touches context.subscriptions, to hand it the container', () => {
    const uses = hostFiles.flatMap((file) => {
      const count = readFileSync(path.join(srcRoot, file), 'utf8').match(/\bsubscriptions\.push\(/g)?.length ?? 0;
      return count > 0 ? [[file, count] as const] : [];
    });
    assert.deepEqual(uses, [['host/extension.ts', 1]]);
    assert.match(readFileSync(path.join(srcRoot, 'host/extension.ts'), 'utf8'), /subscriptions\.push\(container\)/);
  });
});
