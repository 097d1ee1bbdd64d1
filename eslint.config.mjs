import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox, and so does everything it imports: the
// pure layers (domain, rules, catalog). A Node built-in there either fails at bundle time or,
// worse, brings in non-determinism; zod would be evaluated again by every cached round.
// test/workflow/bundle.test.ts checks that the bundle holds nothing from outside these folders,
// and test/unit/architecture.test.ts that imports run the way docs/architecture.md draws them.
const nodeBuiltins = builtinModules.flatMap((name) => [name, `node:${name}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'src/ui/dist/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Forgetting to await an activity, a signal or a database write loses work silently.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'src/domain/**/*.ts', 'src/rules/**/*.ts', 'src/catalog/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Code the workflow sandbox runs may not import Node built-ins.' })),
            { name: 'zod', message: 'Code the workflow sandbox runs checks input with src/domain/input-checks, not zod.' },
          ],
        },
      ],
    },
  },
);
