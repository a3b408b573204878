#!/usr/bin/env node
// Writes docs/errors.md from the documented error-code unions in src/ (SigV4ErrorCode, VerifyErrorCode,
// S3ErrorCode): each code with its doc comment, so the list users read is the one the code defines.
//   node scripts/error-codes.mjs          rewrite docs/errors.md
//   node scripts/error-codes.mjs --check  exit 1 when docs/errors.md differs (npm test runs this)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const output = join(root, 'docs', 'errors.md')

/** The unions to list: where they are and what they cover. */
const UNIONS = [
  { file: 'src/core/errors.ts', type: 'SigV4ErrorCode', title: 'SigV4Error codes (every thrown error of the package)' },
  {
    file: 'src/verify/types.ts',
    type: 'VerifyErrorCode',
    title: 'verify() refusals (`{ ok: false, code }`, never thrown)',
  },
  {
    file: 'src/cloudfront/verify.ts',
    type: 'CloudFrontVerifyErrorCode',
    title: 'verifyCloudFront() refusals (`{ ok: false, code }`, never thrown)',
  },
  {
    file: 'src/s3/errors.ts',
    type: 'S3ErrorCode',
    title: 'The codes webcrypto-sigv4/s3 throws (a subset, as S3 uses them)',
  },
]

/** The members of `export type <type> = | /** doc *\/ 'CODE' | ...`, with their doc comments. */
export function unionMembers(source, type) {
  const start = source.indexOf(`export type ${type} =`)
  if (start < 0) throw new Error(`no union ${type}`)
  const end = source.indexOf('\n\n', start)
  const body = source.slice(start, end < 0 ? undefined : end)
  const members = []
  for (const match of body.matchAll(/(?:\/\*\*([\s\S]*?)\*\/\s*)?\|\s*'([A-Z0-9_]+)'/g)) {
    const doc = (match[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, '').trim())
      .filter(Boolean)
      .join(' ')
    members.push({ code: match[2], doc })
  }
  return members
}

export function render() {
  const lines = [
    '# Error codes',
    '',
    'Generated from the source by `node scripts/error-codes.mjs` (`npm test` checks it is current). Match on',
    '`error.code` (or `result.code` of `verify()`), never on the message: codes are stable within a major version',
    '(see CHANGELOG.md), messages may change.',
  ]
  for (const union of UNIONS) {
    const members = unionMembers(readFileSync(join(root, union.file), 'utf8'), union.type)
    lines.push(
      '',
      `## ${union.title}`,
      '',
      `\`${union.type}\` in \`${union.file}\`.`,
      '',
      '| code | when |',
      '|---|---|',
    )
    for (const { code, doc } of members)
      lines.push(`| \`${code}\` | ${doc.replace(/\|/g, '\\|') || '(undocumented)'} |`)
  }
  return lines.join('\n') + '\n'
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = render()
  if (process.argv.includes('--check')) {
    const committed = readFileSync(output, 'utf8')
    const undocumented = text.split('\n').filter((line) => line.endsWith('| (undocumented) |'))
    if (undocumented.length) {
      console.log(`error codes: 0 passed, ${undocumented.length} failed (no doc comment):\n${undocumented.join('\n')}`)
      process.exit(1)
    }
    // Every code the sources use must be one of the documented members.
    const documented = new Set(text.match(/`ERR_[A-Z0-9_]+`/g)?.map((code) => code.slice(1, -1)))
    const used = new Set()
    for (const file of readdirSync(join(root, 'src')).filter((name) => name.endsWith('.ts'))) {
      for (const match of readFileSync(join(root, 'src', file), 'utf8').matchAll(/'(ERR_[A-Z0-9_]+)'/g))
        used.add(match[1])
    }
    const missing = [...used].filter((code) => !documented.has(code))
    if (missing.length) {
      console.log(`error codes: 0 passed, 1 failed (used in src/ but in no documented union: ${missing.join(', ')})`)
      process.exit(1)
    }
    const same = committed === text
    console.log(
      same ? 'error codes: 1 passed, 0 failed' : 'error codes: 0 passed, 1 failed (run node scripts/error-codes.mjs)',
    )
    process.exit(same ? 0 : 1)
  }
  writeFileSync(output, text)
  console.log(`wrote ${output}`)
}
