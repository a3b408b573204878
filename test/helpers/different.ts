/**
 * A value that differs from `value` in its first character, always: tests that need a "wrong" secret or token
 * use this, never `'x' + value.slice(1)` (which equals the value whenever it starts with `x`).
 *
 * @example
 * const wrong = { ...credentials, secretAccessKey: differentFrom(credentials.secretAccessKey) }
 */
export function differentFrom(value: string): string {
  const first = value[0] === 'A' ? 'B' : 'A'
  return first + value.slice(1)
}
