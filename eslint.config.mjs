// eslint.config.mjs
// One lint for the repository: JavaScript and TypeScript recommended rules everywhere, and
// the Lit and web-component rules (eslint-plugin-lit, eslint-plugin-wc) for the widget's sources.
// Formatting is Prettier's job (`npm run format:check`), so no style rules here.

import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/*.d.mts', '**/dist/**', '**/node_modules/**', 'coverage/**', '.test-artifacts/**', 'widget/custom-elements.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `_name` marks a parameter or binding kept for its position or to drop it from a rest.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // CommonJS on purpose: the consumer suite proves the packages load through require().
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read arbitrary JSON answers, and chai's assertions are property reads (`.to.be.empty`).
    files: ['**/test/**/*.ts', 'consumer/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['widget/src/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['widget/src/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
);
