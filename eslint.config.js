import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nativeAndMl = ['electron', 'sharp', 'better-sqlite3'];
const mlPatterns = ['@tensorflow/*', '@tensorflow/**'];

/**
 * Rooms and what each may import, checked on every lint (and the rules themselves by lint/boundaries.test.ts):
 * - domain/    the shared vocabulary: imports nothing, not even a package;
 * - contract/  the API between renderer and main process: only domain/;
 * - renderer/  the sandboxed web page: only contract/ and domain/ (and web packages);
 * - model/, training/  plain Node (image pipeline, inference, training): never app/, electron/ or renderer/;
 * - app/       the plain Node application (handlers, db, services, http): never electron/ or renderer/;
 * - electron/  the only room that imports 'electron'.
 */
const noElectron = {
  name: 'electron',
  message: "Only electron/ (the Electron wiring) imports 'electron'; everything else runs under plain Node.",
};
const boundaries = [
  {
    files: ['**/*.ts', '**/*.svelte', '**/*.js', '**/*.mjs'],
    ignores: ['electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
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
              regex: '(^|/)(electron|app|model|training)/',
              message:
                'The renderer may import only the API contract (contract/) and the vocabulary (domain/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...nativeAndMl, 'zod'],
          patterns: [
            { regex: '^(?!\\./)', message: 'domain/ is the shared vocabulary: it imports nothing.' },
          ],
        },
      ],
    },
  },
  {
    files: ['contract/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...nativeAndMl, 'zod'],
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./domain/)',
              message:
                'The API contract is dependency-free (the renderer imports it): only domain/ besides itself.',
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
          paths: [noElectron],
          patterns: [
            {
              regex: '(^|/)(electron|app|renderer)/',
              message: 'model/ and training/ must not depend on the app.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['app/**/*.ts'],
    // The bench, like the tests, makes its DICOM folder with the model's test support.
    ignores: ['**/*.test.ts', 'app/test-helpers.ts', 'app/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron],
          patterns: [
            {
              regex: '(^|/)model/(?!index\\.ts$)',
              message:
                'app/ uses the model package through model/index.ts only (tests may reach test support).',
            },
            {
              regex: '(^|/)(electron|renderer)/',
              message:
                'app/ is plain Node: the Electron wiring (electron/) and the page (renderer/) sit above it.',
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
