// moto for the S3 tests: the shared launcher (test/helpers/moto.ts, the one `npm run demo` uses) with signature
// checks on, plus an IAM user whose long-term key may do anything.
import { BOOTSTRAP_IAM_ACTIONS, bootstrapIam, startMoto as startSharedMoto } from './moto.js'

/** A running moto with a key that passes its signature checks. */
export interface Moto {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  /** The IAM user's long-term key (every later request is signature-checked). */
  credentials: { accessKeyId: string; secretAccessKey: string }
  /** Stops the server; safe to call twice. */
  stop: () => Promise<void>
}

/**
 * Starts moto with signature checks on after the IAM bootstrap, and creates the user.
 *
 * @example
 * const moto = await startMoto()
 * afterAll(() => moto.stop())
 */
export async function startMoto(): Promise<Moto> {
  const server = await startSharedMoto({ noAuthActions: BOOTSTRAP_IAM_ACTIONS })
  try {
    const { accessKeyId, secretAccessKey } = await bootstrapIam(server.endpoint, {
      userName: 'tester',
      roleName: 'tester-role',
    })
    return { endpoint: server.endpoint, credentials: { accessKeyId, secretAccessKey }, stop: () => server.stop() }
  } catch (error) {
    await server.stop()
    throw error
  }
}
