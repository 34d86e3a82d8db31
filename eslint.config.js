import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.earshot/**', 'coverage/**', '**/*.min.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // Layers (issue 18; docs/architecture.md "Contracts and layers").
  {
    // The pure core: rules and types only. It imports zod and its own files, nothing of ours.
    files: ['packages/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@earshot/*', '**/packages/*/src/**', '**/apps/**', '../../../*'], message: 'packages/domain is pure: it imports nothing of ours (only zod and its own files).' },
        { group: ['pg', 'kysely', 'fastify', '@electric-sql/*', 'node:*'], message: 'packages/domain is pure: no database, HTTP or Node APIs.' },
      ] }],
    },
  },
  {
    // HTTP routes talk to services, never to the database or a repository.
    files: ['apps/server/src/routes/**/*.ts', 'apps/server/src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@earshot/db', importNames: ['sql', 'Kysely', 'openDatabase', 'migrate'], message: 'Routes call services; SQL belongs in a repository of packages/core.' }],
        patterns: [{ group: ['**/*.repository', '**/*.repository.ts', '@earshot/core/src/**', '**/packages/core/src/**'], message: 'Routes call services (Core), not repositories or core internals.' }],
      }],
      'no-restricted-syntax': ['error',
        { selector: "MemberExpression[property.name='db'][object.name='core']", message: 'Routes call services; SQL belongs in a repository of packages/core.' },
        { selector: "MemberExpression[property.name='db'][object.property.name='core']", message: 'Routes call services; SQL belongs in a repository of packages/core.' },
        { selector: "MemberExpression[property.name='db'][object.property.name='handle']", message: 'Routes call services; SQL belongs in a repository of packages/core.' },
      ],
    },
  },
  {
    files: ['apps/web/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
