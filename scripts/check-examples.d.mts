// Types of scripts/check-examples.mjs (plain JavaScript, run by `npm test` as it is).

/** An `@example` block: its code and the line of the source file where the code starts. */
export interface Example {
  line: number
  code: string
}
/** The `@example` blocks of a file's doc comments (margins removed, Markdown fences dropped). */
export declare function extractExamples(text: string): Example[]
/** The js/ts code blocks of a Markdown text, with their language and the line where the code starts. */
export declare function extractCodeBlocks(text: string): Array<Example & { language: 'js' | 'ts' }>
/** An example's relative imports rewritten from beside its source `file` to beside the extracted module at `path`. */
export declare function rewriteRelativeImports(code: string, path: string, file: string): string
