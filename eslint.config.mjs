// Lint: typescript-eslint's recommended rules plus the import boundaries of DESIGN.md §1 / STYLE.md:
// protocol/ imports nothing platform-specific, core never imports vscode, the UI never imports Node.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const restrict = (message, names, patterns = []) => ({
  'no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message })), patterns: patterns.length ? [{ group: patterns, message }] : [] }],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tsbuild/', '.vscode-test-host/', '.vscode-test/', 'test-artifacts/', '**/*.cjs', '**/*.mjs', 'bin/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['protocol/**/*.ts'],
    rules: restrict('protocol/ is platform-neutral: no Node, DOM-only or vscode modules, nothing outside protocol/', [...nodeBuiltins, 'vscode', 'ws', 'chokidar'], ['../../*', '**/extension/**', '**/relay/**', '**/webview-ui/**']),
  },
  {
    files: ['extension/src/core/**/*.ts'],
    rules: restrict('core/ never imports vscode or the layers above it', ['vscode'], ['**/vscode/**', '**/cli/**', '**/webview-ui/**']),
  },
  {
    files: ['extension/src/cli/**/*.ts'],
    rules: restrict('the CLI wires core; it never imports vscode', ['vscode'], ['**/vscode/**', '**/webview-ui/**']),
  },
  {
    files: ['relay/**/*.ts'],
    rules: restrict('the relay stands alone: protocol/ only', ['vscode'], ['**/extension/**', '**/webview-ui/src/**']),
  },
  {
    files: ['webview-ui/**/*.ts', 'webview-ui/**/*.tsx'],
    rules: restrict('the viewer runs in a browser: no Node or vscode modules', [...nodeBuiltins, 'vscode', 'ws', 'chokidar'], ['**/extension/**', '**/relay/**']),
  },
);
