// Types of scripts/size.mjs, for test/node/size (the tests are type-checked).
export interface SizeEntry {
  id: string
  label: string
  /** The entry module that is bundled (imports resolved from the project root). */
  contents: string
  /** No-regression cap on the gzip size, enforced by test/node/size. */
  ceiling?: number
  /** The reference bundle (an id of REFERENCES) this one must be at least `times` smaller than. */
  smallerThan?: { reference: string; times: number }
  /** Id of the entry this one is measured on top of (with addedBudget). */
  over?: string
  /** Most gzip bytes allowed on top of `over`. */
  addedBudget?: number
  /** Count the lazy chunks too (what the app loads once the dynamically imported code runs). */
  withLazy?: boolean
}

export interface MeasuredChunks {
  /** Bytes of the files (each gzipped on its own). */
  minified: number
  gzip: number
  /** Source file (relative to the project root) → bytes it contributes after tree-shaking. */
  inputs: Record<string, number>
  code: string
}

/** What loads first (the entry chunk and the chunks it imports statically), and the chunks only import() loads. */
export interface MeasuredBundle extends MeasuredChunks {
  lazy: MeasuredChunks
}

export interface SizeRow {
  id: string
  label: string
  minified: number
  gzip: number
  files: number
  budget?: number
  over?: string
  added?: number
  addedBudget?: number
  ok?: boolean
  reference?: boolean
}

export const root: string
export const OPTIONAL_SUBPATHS: string[]
export const REFERENCES: SizeEntry[]
export function subpathEntries(): string[]
export function entries(): SizeEntry[]
export function measureBundle(contents: string): Promise<MeasuredBundle>
export function sized(entry: SizeEntry, measured: MeasuredBundle): MeasuredChunks
export function measureAll(options?: { references?: boolean }): Promise<SizeRow[]>
