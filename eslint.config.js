// ESLint for the harness and the reference web app: JavaScript's and typescript-eslint's
// recommended rules. Formatting is prettier's (npm run format); layering and import cycles are
// dependency-cruiser's (.dependency-cruiser.cjs). `npm test` runs all three.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'reports/',
      'test-results/',
      '.tollgate/',
      '.auth/',
      'reference-app/web/dist/',
      'allure-results/',
      'playwright-report/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        AbortController: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        localStorage: 'readonly',
        location: 'readonly',
        document: 'readonly',
        window: 'readonly',
      },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring a field away, an unused parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Playwright fixtures take their dependencies as a destructured first argument, often `{}`.
      'no-empty-pattern': 'off',
      // Terminal escape sequences are matched on purpose (ANSI colours, XML-invalid characters).
      'no-control-regex': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
    },
  },
  // Tests read JSON bodies of every shape; `any` there keeps assertions short, and a wrong field fails the test anyway.
  { files: ['**/*.test.ts', 'selftest/**', 'tests/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
);
