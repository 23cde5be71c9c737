// ESLint flat config. The layer rules here are the build-time guard of DESIGN.md's arrows:
// core never imports vscode or an outer layer; cli and protocol never import vscode; the webview
// imports neither vscode nor the engine. test/unit/lint/coreLayer.test.ts proves they fire.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import prettierConfig from 'eslint-config-prettier/flat';

/** Selectors that catch `vscode` reached without an import declaration. */
const vscodeSyntax = [
  {
    selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
    message: 'This layer must not load `vscode`; depend on a port that src/host implements.',
  },
  {
    selector:
      "CallExpression[callee.name='require'][arguments.0.type='TemplateLiteral'][arguments.0.quasis.0.value.raw='vscode']",
    message: 'This layer must not load `vscode`; depend on a port that src/host implements.',
  },
  {
    selector: "ImportExpression[source.value='vscode']",
    message: 'This layer must not load `vscode`, not even lazily; depend on a port that src/host implements.',
  },
  {
    selector: "ImportExpression[source.type='TemplateLiteral'][source.quasis.0.value.raw='vscode']",
    message: 'This layer must not load `vscode`, not even lazily; depend on a port that src/host implements.',
  },
  {
    selector: "TSImportType[argument.literal.value='vscode']",
    message: 'This layer must not refer to `vscode` types; declare a structural type of its own.',
  },
];

/** Default exports make renames silent and imports inconsistent (STYLE.md 12). */
const noDefaultExport = [
  { selector: 'ExportDefaultDeclaration', message: 'Use a named export (STYLE.md: no default exports).' },
  {
    selector: "ExportSpecifier[exported.name='default']",
    message: 'Use a named export (STYLE.md: no default exports).',
  },
];

const vscodePath = {
  name: 'vscode',
  message: 'This layer must not import `vscode` (not even `import type`); depend on a port that src/host implements.',
};

/** A relative import that climbs out of the current layer into one of `layers`. */
function layerPattern(layers, message) {
  return { regex: `^(\\.\\./)+(src/)?(${layers.join('|')})(/|$)`, message };
}

export default defineConfig(
  globalIgnores([
    'dist/',
    'out/',
    'node_modules/',
    '.cache/',
    'test/fixtures/',
    '.vscode-test/',
    'coverage/',
    '.test-artifacts/',
    '.bench/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  // Layout belongs to Prettier (`prettier --check` in npm run lint); no ESLint rule argues with it.
  prettierConfig,
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', ...noDefaultExport],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [vscodePath],
          patterns: [
            layerPattern(
              ['host', 'cli', 'webview', 'protocol'],
              'src/core is the innermost layer: it must not import host, cli, protocol or webview code.',
            ),
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...noDefaultExport, ...vscodeSyntax],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [vscodePath],
          patterns: [
            layerPattern(
              ['host', 'webview'],
              'src/cli runs headless: it may import src/core, not host or webview code.',
            ),
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...noDefaultExport, ...vscodeSyntax],
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [vscodePath],
          patterns: [
            layerPattern(
              ['core', 'host', 'cli', 'webview'],
              'src/protocol holds message schemas only and imports no other layer.',
            ),
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...noDefaultExport, ...vscodeSyntax],
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [vscodePath],
          patterns: [
            layerPattern(['core', 'host', 'cli'], 'The webview is a browser bundle: it may import src/protocol only.'),
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...noDefaultExport, ...vscodeSyntax],
    },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
  },
);
