// Typed access to test/helpers/browsers.mjs (plain JavaScript) for the vitest files that drive a browser page.

/** A page in a launched browser: what the tests use of it. */
export interface BrowserSession {
  goto(url: string): Promise<unknown>
  evaluate(expression: string): Promise<unknown>
  close(): Promise<void>
}

/** The part of test/helpers/browsers.mjs the vitest files use. */
export interface BrowserHelpers {
  launchBrowser: (name: 'chromium' | 'firefox' | 'webkit') => Promise<BrowserSession>
  within: <T>(ms: number, what: string, promise: Promise<T>) => Promise<T>
}

const BROWSER_HELPERS = new URL('./browsers.mjs', import.meta.url).href

/**
 * Loads the browser helpers when a test needs them (so a file that never launches a browser never loads them).
 *
 * @example
 * const { launchBrowser } = await browsers()
 */
export const browsers = (): Promise<BrowserHelpers> => import(BROWSER_HELPERS) as Promise<BrowserHelpers>
