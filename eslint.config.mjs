// One linter for the whole repository (npm run lint). Prettier owns the layout; ESLint
// owns the dialect: named constants over bare numbers where they carry meaning, no
// chained assignments, no nested ternaries, strict equality.
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.cache/',
      'coverage/',
      '**/.next/',
      '**/out/',
      '**/next-env.d.ts',
      'custom-elements.json',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      'no-multi-assign': 'error',
      'no-nested-ternary': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
      'prefer-const': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/server/**', 'src/emulator/**'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/server/**', 'src/emulator/**'],
    ...wc.configs['flat/recommended'],
  },
);
