import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nativeAndMl = ['electron', 'sharp', 'better-sqlite3'];
const mlPatterns = ['@tensorflow/*', '@tensorflow/**'];

/** Process boundaries, checked on every lint: they are what keeps the sandboxed renderer sandboxed. */
const boundaries = [
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...nativeAndMl].map((name) => ({
            name,
            message: 'The renderer is a sandboxed web page: ask the main process through window.eyenet.',
          })),
          patterns: [
            {
              group: mlPatterns,
              message: 'Inference runs in the main process workers, never in the renderer.',
            },
            {
              regex: '(^|/)(electron/(?!api/contract/)|model/|training/)',
              message: 'The renderer may import only the API contract (electron/api/contract/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/api/contract/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...nativeAndMl, 'zod'],
          patterns: [
            {
              regex: '^(?!\\./)',
              message: 'The API contract is dependency-free: the renderer imports it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['model/**/*.ts', 'training/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'model/ and training/ run under plain Node: no Electron imports.' },
          ],
          patterns: [
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'model/ and training/ must not depend on the app.',
            },
          ],
        },
      ],
    },
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-electron/',
      'release/',
      'test-output/',
      'playwright-report/',
      'training-output/',
      '.cache/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: tseslint.parser,
        svelteConfig,
      },
    },
  },
  ...boundaries,
);
