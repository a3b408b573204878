// Types of scripts/local-servers.mjs (plain JavaScript so that `npm run demo` runs it as it is).
import type { RequestListener, Server } from 'node:http'

/** Number of moto actions `bootstrapIam` sends (CreateUser, PutUserPolicy, CreateAccessKey, CreateRole, PutRolePolicy). */
export declare const BOOTSTRAP_IAM_ACTIONS: 5
/** moto's default account, used for every request that names no other. */
export declare const MOTO_ACCOUNT_ID: '123456789012'
/** What to tell a user without moto. */
export declare const MOTO_INSTALL_HINT: string

/** A port that was free on 127.0.0.1 a moment ago. */
export declare function freePort(): Promise<number>
/** Sends `signal` to the process group led by `pid`; quiet when it is gone. */
export declare function killGroup(pid: number | undefined, signal: NodeJS.Signals): void
/** `run` at most once: later calls get the first call's promise. */
export declare function once<T>(run: () => Promise<T>): () => Promise<T>
export declare function sleep(ms: number): Promise<void>

/** A server listening on 127.0.0.1. */
export interface Listening {
  endpoint: string
  port: number
  close(): Promise<void>
}
/** Listens on a free port of 127.0.0.1; `close()` also ends open connections. */
export declare function listen(server: Server): Promise<Listening>
/** Answers every request with `handler` on a free port of 127.0.0.1; `close()` also ends open connections. */
export declare function serve(handler: RequestListener): Promise<Listening>
/**
 * A page for a browser test on 127.0.0.1: `files` maps a path to its body, or `load(path)` returns one (or
 * undefined). `/` is `/index.html`; the content type follows the extension; anything else is 404.
 */
export declare function servePage(
  files?: Record<string, string | Uint8Array>,
  load?: (path: string) => string | Uint8Array | undefined | Promise<string | Uint8Array | undefined>,
): Promise<Listening>

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  endpoint: string
  port: number
  /** Stops the server (its whole process group). Safe to call twice. */
  stop(): Promise<void>
  /** The last 64 KB moto printed (request log, tracebacks): for diagnosing a refusal. */
  output(): string
}

/** Options of `startMoto`. */
export interface MotoOptions {
  /** Verify signatures and IAM policies (default true). */
  authChecks?: boolean
  /** With authChecks: how many actions are let through unauthenticated first (default BOOTSTRAP_IAM_ACTIONS). */
  noAuthActions?: number
}
/** Starts moto on 127.0.0.1 in its own process group; throws (never skips) when python3 or moto is missing. */
export declare function startMoto(options?: MotoOptions): Promise<MotoServer>

/** An Authorization header that only names a credential scope (for moto's unauthenticated window). */
export declare function unauthenticatedAuthorization(service: string, region?: string): string

/** One action for moto's unauthenticated window: a query-API form or a JSON API call. */
export interface UnauthenticatedAction {
  service: string
  region?: string
  /** Query API form fields (IAM, STS). */
  params?: Record<string, string>
  /** JSON API target, e.g. `Kinesis_20131202.CreateStream`, with its `json` body. */
  target?: string
  json?: unknown
}
/** Sends one action inside moto's unauthenticated window; resolves to the answer's text. */
export declare function unauthenticatedAction(endpoint: string, action: UnauthenticatedAction): Promise<string>

/** Options of `bootstrapIam`. */
export interface BootstrapIamOptions {
  userName: string
  roleName: string
  /** Permissions policy (JSON document) of both the user and the role. Default: allow every action. */
  policy?: object
}
/** What `bootstrapIam` created. */
export interface IamBootstrap {
  /** The user's long-term access key (`AKIA…`). */
  accessKeyId: string
  secretAccessKey: string
  userArn: string
  /** A role whose trust policy lets the user assume it. */
  roleArn: string
}
/** Creates an IAM user with a key and a policy, and a role it may assume, in BOOTSTRAP_IAM_ACTIONS actions. */
export declare function bootstrapIam(endpoint: string, options: BootstrapIamOptions): Promise<IamBootstrap>

/** The text of the first `<tag>` element in an XML answer; throws when absent. */
export declare function xmlValue(xml: string, tag: string): string
