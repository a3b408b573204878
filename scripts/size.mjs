#!/usr/bin/env node
// `npm run size`: bundles each public entry the way a browser app would (esbuild, minified ESM, tree-shaken, only
// the imported names kept) and prints minified and gzip -9 bytes against the ceilings, next to aws4fetch and
// @smithy/signature-v4 + @aws-crypto/sha256-js measured the same way.
//
//   npm run size              table
//   npm run size -- --json    the same as JSON
//   npm run size -- --check   exit 1 when a ceiling is exceeded
//
// test/node/size/ imports this module and enforces the ceilings.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const at = (file) => JSON.stringify(join(src, file))

/** Subpaths that must stay out of the core (`webcrypto-sigv4`): their own entry files and anything named after them. */
export const OPTIONAL_SUBPATHS = [
  'client',
  'credentials',
  'sigv4a',
  'stream',
  'eventstream',
  'kinesis',
  'verify',
  's3',
  'cloudfront',
  'tokens',
  'appsync',
]

/** The package's subpath entries (from package.json "exports") whose source file exists today. */
export function subpathEntries() {
  const exports = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports
  return Object.keys(exports)
    .filter((key) => key.startsWith('./') && key !== './package.json')
    .map((key) => key.slice(2))
    .filter((name) => existsSync(join(src, `${name}.ts`)))
}

/**
 * Ceilings (gzip) of whole subpath entries that have one: cloudfront (keys, policies, signing, verifying), tokens (the
 * six token functions on the presign engine), appsync (the IAM header and subprotocol builders, signed messages and
 * the Events client).
 */
const SUBPATH_CEILINGS = { cloudfront: 10500, tokens: 7400, appsync: 8200 }

/**
 * What is measured. `ceiling` is the gzip size a bundle may not exceed: a guard against regressions with room left,
 * not a goal; it may rise for a feature, or for speed the benchmark shows in the same run. `addedBudget` caps the
 * gzip bytes a bundle adds over the bundle `over` (e.g. what SigV4a adds to an app that already signs with SigV4).
 * `smallerThan` is the reference bundle this one must be at least `times` smaller than (the users' own comparison).
 */
export function entries() {
  const subpaths = subpathEntries()
  const list = [
    {
      id: 'sign',
      label: "sign (import { sign } from 'webcrypto-sigv4')",
      contents: `export { sign } from ${at('index.ts')}`,
      ceiling: 6200,
    },
    {
      id: 'sign+presign',
      label: 'sign + presign',
      contents: `export { sign, presign } from ${at('index.ts')}`,
      ceiling: 7000,
    },
    {
      // An app that leaves region or service to the host also loads the inference chunk (botocore's
      // endpoint prefix table and the host forms), on the first signature that needs it.
      id: 'sign+inference',
      label: 'sign, scope inferred from the host (+ the inference chunk it loads then)',
      contents: `export { sign } from ${at('index.ts')}`,
      withLazy: true,
      // Raised from 9,000 for the warm-signature fast paths (header records read without a Headers object, ...),
      // whose gain bench/results.md shows.
      ceiling: 9400,
    },
    { id: 'core', label: 'webcrypto-sigv4: every export', contents: `export * from ${at('index.ts')}` },
  ]
  for (const name of subpaths) {
    list.push({
      id: name,
      label: `webcrypto-sigv4/${name}: every export`,
      contents: `export * from ${at(`${name}.ts`)}`,
      ...(SUBPATH_CEILINGS[name] === undefined ? {} : { ceiling: SUBPATH_CEILINGS[name] }),
    })
  }
  if (subpaths.includes('cloudfront')) {
    // What a Worker that only signs takes, and one that only verifies.
    list.push(
      {
        id: 'cloudfront-sign',
        label: 'CloudFront signing: importCloudFrontKey + cloudFrontSignedUrl + cloudFrontSignedCookies',
        contents: `export { importCloudFrontKey, cloudFrontSignedUrl, cloudFrontSignedCookies } from ${at('cloudfront.ts')}`,
        ceiling: 7000,
      },
      {
        id: 'cloudfront-verify',
        label: 'CloudFront verifying: verifyCloudFront',
        contents: `export { verifyCloudFront } from ${at('cloudfront.ts')}`,
        ceiling: 7100,
      },
    )
  }
  if (subpaths.includes('tokens')) {
    // What a Worker that connects to one database takes.
    list.push({
      id: 'tokens-dsql',
      label: 'a database password: dsqlAuthToken',
      contents: `export { dsqlAuthToken } from ${at('tokens.ts')}`,
      ceiling: 6500,
    })
  }
  if (subpaths.includes('appsync')) {
    // A page that opens its own WebSocket needs only the subprotocols.
    list.push({
      id: 'appsync-protocols',
      label: 'AppSync IAM subprotocols: appSyncWebSocketProtocols',
      contents: `export { appSyncWebSocketProtocols } from ${at('appsync.ts')}`,
      ceiling: 6500,
    })
  }
  if (subpaths.includes('client') && subpaths.includes('credentials')) {
    list.push({
      id: 'client+credentials',
      label: 'client + credential providers (with the core they use)',
      contents: `export * from ${at('client.ts')}\nexport * from ${at('credentials.ts')}`,
      ceiling: 11000,
    })
  }
  if (subpaths.includes('kinesis')) {
    // The job the demo page does: Kinesis PutRecord with Cognito credentials (compare with the AWS SDK row).
    list.push({
      id: 'kinesis-page',
      label: 'PutRecord page: AwsClient + KinesisProducer + fromCognitoIdentityPool',
      contents: [
        `export { AwsClient } from ${at('client.ts')}`,
        `export { KinesisProducer } from ${at('kinesis.ts')}`,
        `export { fromCognitoIdentityPool } from ${at('credentials.ts')}`,
      ].join('\n'),
      smallerThan: { reference: 'aws-sdk-kinesis-page', times: 5 },
    })
  }
  if (subpaths.includes('sigv4a')) {
    list.push({
      id: 'sign+sigv4a',
      label: 'sign + every export of webcrypto-sigv4/sigv4a',
      contents: `export { sign } from ${at('index.ts')}\nexport * from ${at('sigv4a.ts')}`,
      over: 'sign',
      addedBudget: 3500,
    })
  }
  return list
}

/** The same measurement of the libraries this one replaces (reference points, no budget). */
export const REFERENCES = [
  { id: 'aws4fetch-signer', label: 'aws4fetch AwsV4Signer', contents: `export { AwsV4Signer } from 'aws4fetch'` },
  { id: 'aws4fetch-client', label: 'aws4fetch AwsClient', contents: `export { AwsClient } from 'aws4fetch'` },
  {
    id: 'smithy',
    label: '@smithy/signature-v4 + @aws-crypto/sha256-js',
    contents: `export { SignatureV4 } from '@smithy/signature-v4'\nexport { Sha256 } from '@aws-crypto/sha256-js'`,
  },
  {
    id: 'aws-sdk-kinesis-page',
    label: 'PutRecord page: AWS SDK v3 (@aws-sdk/client-kinesis + Cognito credentials)',
    contents: [
      `export { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis'`,
      `export { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity'`,
      `export { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity'`,
    ].join('\n'),
  },
  {
    // The floor under the `sign` ceiling: header signing only, no inference, presigning, checks or typed errors
    // (bench/size-floor.ts; test/node/size/size-floor.test.ts proves it signs the official vectors correctly).
    id: 'size-floor',
    label: 'minimal header signer (bench/size-floor.ts, not shipped)',
    contents: `export { signFloor } from ${JSON.stringify(join(root, 'bench', 'size-floor.ts'))}`,
  },
]

const cache = new Map()

/**
 * Bundles `contents` (an entry module, resolved from the project root) as a browser app would and measures it.
 * `inputs` maps each source file (relative to the project root) to the bytes it contributes after tree-shaking.
 */
export function measureBundle(contents) {
  if (!cache.has(contents)) cache.set(contents, bundle(contents))
  return cache.get(contents)
}

// Bundled with code splitting, as Vite, Rollup, webpack and Parcel do by default: a dynamic import() becomes a chunk
// of its own, loaded only when that code runs (host inference: core/options.ts imports it only when `region` or
// `service` is missing). What loads first is the entry chunk and the chunks it imports statically; the rest is
// `lazy`. Each file is fetched on its own, so each is gzipped on its own.
async function bundle(contents) {
  const result = await build({
    stdin: { contents, resolveDir: root, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    write: false,
    splitting: true,
    outdir: join(root, '.size-out'),
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    treeShaking: true,
    metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  const outputs = result.metafile.outputs
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint !== undefined)
  const first = new Set()
  const walk = (file) => {
    if (first.has(file)) return
    first.add(file)
    for (const { path, kind } of outputs[file].imports) if (kind === 'import-statement' && outputs[path]) walk(path)
  }
  walk(entry)
  const files = Object.keys(outputs).filter((file) => file.endsWith('.js'))
  const measure = (chosen) => {
    const inputs = {}
    let minified = 0
    let gzip = 0
    let code = ''
    for (const file of chosen) {
      const out = result.outputFiles.find((output) => relative(root, output.path).replaceAll('\\', '/') === file)
      minified += out.contents.length
      gzip += gzipSync(out.contents, { level: 9 }).length
      code += new TextDecoder().decode(out.contents)
      for (const [input, { bytesInOutput }] of Object.entries(outputs[file].inputs)) {
        const name = relative(root, join(root, input)).replaceAll('\\', '/')
        if (bytesInOutput > 0) inputs[name] = (inputs[name] ?? 0) + bytesInOutput
      }
    }
    return { minified, gzip, inputs, code }
  }
  return { ...measure([...first]), lazy: measure(files.filter((file) => !first.has(file))) }
}

/** What an entry counts: what loads first, plus the lazy chunks for an entry `withLazy`. */
export function sized(entry, measured) {
  if (!entry.withLazy) return measured
  const { lazy } = measured
  return {
    minified: measured.minified + lazy.minified,
    gzip: measured.gzip + lazy.gzip,
    inputs: { ...measured.inputs, ...lazy.inputs },
    code: measured.code + lazy.code,
  }
}

/** Measures every entry (and the references unless `references: false`); each row says whether it is within its cap. */
export async function measureAll({ references = true } = {}) {
  const rows = []
  const list = entries()
  for (const entry of list) {
    const { minified, gzip, inputs } = sized(entry, await measureBundle(entry.contents))
    const row = { id: entry.id, label: entry.label, minified, gzip, files: Object.keys(inputs).length }
    if (entry.ceiling !== undefined) Object.assign(row, { ceiling: entry.ceiling, ok: gzip <= entry.ceiling })
    if (entry.over) {
      const base = await measureBundle(list.find((other) => other.id === entry.over).contents)
      const added = gzip - base.gzip
      Object.assign(row, { over: entry.over, added, addedBudget: entry.addedBudget, ok: added <= entry.addedBudget })
    }
    rows.push(row)
  }
  if (references) {
    for (const reference of REFERENCES) {
      const { minified, gzip, inputs } = await measureBundle(reference.contents)
      rows.push({
        id: reference.id,
        label: reference.label,
        minified,
        gzip,
        files: Object.keys(inputs).length,
        reference: true,
      })
    }
  }
  for (const row of rows) {
    const { smallerThan } = list.find((entry) => entry.id === row.id) ?? {}
    const reference = smallerThan && rows.find((other) => other.id === smallerThan.reference)
    if (!reference) continue
    const times = Math.round((reference.gzip / row.gzip) * 10) / 10
    Object.assign(row, { smallerThan, times, ok: times >= smallerThan.times })
  }
  return rows
}

function table(rows) {
  const lines = ['| bundle | minified B | gzip -9 B | ceiling (gzip) | within |', '|---|--:|--:|--:|:-:|']
  for (const row of rows) {
    const cap =
      row.ceiling !== undefined
        ? `≤ ${row.ceiling}`
        : row.addedBudget !== undefined
          ? `adds ≤ ${row.addedBudget} (adds ${row.added})`
          : row.smallerThan !== undefined
            ? `${row.smallerThan.times}× under ${row.smallerThan.reference} (${row.times}×)`
            : row.reference
              ? 'reference'
              : ''
    const ok = row.ok === undefined ? '' : row.ok ? 'yes' : '**no**'
    lines.push(`| ${row.label} | ${row.minified} | ${row.gzip} | ${cap} | ${ok} |`)
  }
  return lines.join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await measureAll()
  if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2))
  else {
    console.log('esbuild: bundle, minify, tree-shake, format esm, platform browser, target es2022; gzip level 9\n')
    console.log(table(rows))
    // Where the bytes of `sign` come from: minified bytes each source file leaves in the bundle.
    const { inputs, lazy } = await measureBundle(entries().find((entry) => entry.id === 'sign').contents)
    console.log('\nminified bytes per source file in the `sign` bundle:\n\n| file | minified B |\n|---|--:|')
    for (const [file, bytes] of Object.entries(inputs).sort((a, b) => b[1] - a[1]))
      console.log(`| ${file} | ${bytes} |`)
    console.log(`\nand in its inference chunk (${lazy.minified} B minified, ${lazy.gzip} B gzip):\n`)
    console.log('| file | minified B |\n|---|--:|')
    for (const [file, bytes] of Object.entries(lazy.inputs).sort((a, b) => b[1] - a[1]))
      console.log(`| ${file} | ${bytes} |`)
  }
  if (process.argv.includes('--check') && rows.some((row) => row.ok === false)) process.exit(1)
}
