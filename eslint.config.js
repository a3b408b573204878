// ESLint, run by `npm test` (with Prettier for the layout). Type-aware rules for the TypeScript sources.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/', 'demo/dist/', '.wrangler/', 'test/vectors/', '**/node_modules/', '.tmp/'] },
  js.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node }, ecmaVersion: 2022, sourceType: 'module' },
    rules: { eqeqeq: ['error', 'always'] },
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json', './demo/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  // Deno and Bun runners use their runtimes' own globals and type roots: checked without type information.
  { files: ['test/runtimes/deno/**', 'test/runtimes/bun/**'], extends: [tseslint.configs.disableTypeChecked] },
)
