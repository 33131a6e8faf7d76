// Lint, including the layering rules of house-style section 2: which folder may import what.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noNode = { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process'], message: 'this layer is pure: no Node APIs' };
const noElectron = { group: ['electron'], message: 'only electron/main.ts, electron/preload.ts and electron/ipc/ may import electron' };
const noRenderer = { group: ['**/renderer/**'], message: 'the Node side never imports the renderer' };
const noNodeSide = { group: ['**/electron/**', '../electron/*'], message: 'the renderer reaches main only through the IPC contract' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/.data/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, noRenderer, noNodeSide, { group: ['react', 'react-dom'], message: 'shared/ is std only' }] }] },
  },
  {
    files: ['electron/formats/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, noRenderer] }] },
  },
  {
    files: ['electron/services/**/*.ts', 'electron/workers/**/*.ts', 'electron/cli/**/*.ts', 'electron/io/**/*.ts', 'electron/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noRenderer] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'], // runs in Node, at build time
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, noElectron, noNodeSide] }] },
  },
  {
    files: ['bin/**/*.js', 'bench/**/*.{js,mjs}', '.ci/**/*.{js,mjs}'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
