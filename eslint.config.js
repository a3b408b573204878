// ESLint, run by `npm test` (with Prettier for the layout). Type-aware rules for the TypeScript sources.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  // examples-prelude.d.ts: ambient values for the extracted doc examples only (scripts/check-examples.mjs), in no project.
  {
    ignores: [
      'dist/',
      'demo/dist/',
      '.wrangler/',
      'test/vectors/',
      '**/node_modules/',
      '.tmp/',
      'bench/.out/',
      'scripts/examples-prelude.d.ts',
    ],
  },
  js.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node }, ecmaVersion: 2022, sourceType: 'module' },
    rules: { eqeqeq: ['error', 'always'] },
  },
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    // `const { url, ...init } = input` names what it leaves out.
    rules: { '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }] },
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.test.json', './demo/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  // Tests, benchmarks and scripts read JSON from servers and child processes: `any` there is checked by the
  // assertions that follow, so the no-unsafe-* family is for the library's sources only.
  {
    files: ['test/**', 'bench/**', 'scripts/**', 'demo/vite.config.ts', 'vite.config.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['bench/runners/cli.mjs', 'test/runtimes/**'],
    languageOptions: { globals: { Deno: 'readonly', Bun: 'readonly' } },
  },
  // The fake Transcribe endpoint runs in workerd, which has WebSocketPair.
  {
    files: ['test/node/eventstream/fake-transcribe.mjs', 'test/node/appsync/fake-appsync.mjs'],
    languageOptions: { globals: { WebSocketPair: 'readonly' } },
  },
  // Deno and Bun runners use their runtimes' own globals and type roots: checked without type information.
  { files: ['test/runtimes/deno/**', 'test/runtimes/bun/**'], extends: [tseslint.configs.disableTypeChecked] },
  // The tarball consumer's sources import the installed package, not src/: test/package type-checks them there.
  { files: ['test/package/fixtures/**'], extends: [tseslint.configs.disableTypeChecked] },
)
