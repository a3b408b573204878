// A few assertions with no test-runner or Node dependency, so the suite runs anywhere.

export class AssertionError extends Error {
  override name = 'AssertionError'
}

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value))

export function equal<T>(actual: T, expected: T, what = 'value'): void {
  if (actual !== expected) throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`)
}

export function ok(condition: unknown, what: string): asserts condition {
  if (!condition) throw new AssertionError(what)
}

/** Awaits `action` and checks that it rejects with a SigV4Error of this code. */
export async function rejectsWith(action: () => unknown, code: string, what = 'call'): Promise<void> {
  let error: unknown
  try {
    await action()
  } catch (caught) {
    error = caught
  }
  if (!error) throw new AssertionError(`${what}: expected ${code}, but it did not throw`)
  const actual = (error as { code?: string }).code
  if (actual !== code || (error as Error).name !== 'SigV4Error') {
    throw new AssertionError(
      `${what}: expected SigV4Error ${code}, got ${(error as Error).name} ${actual}: ${(error as Error).message}`,
    )
  }
}
