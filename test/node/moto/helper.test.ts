// The moto helper itself: how the unauthenticated window is counted, authChecks off, stop(), and a clear
// failure (never a skip) when python3 or moto is missing.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { sign } from '../../../src/index.js'
import { startMoto, xmlValue, type MotoServer } from '../../helpers/moto.js'

const started: MotoServer[] = []
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()))
})

// A GetCallerIdentity signed with a key moto has never issued: accepted only while authentication is off.
async function unknownKeyCall(endpoint: string): Promise<Response> {
  return fetch(
    await sign(
      {
        method: 'POST',
        url: endpoint + '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetCallerIdentity&Version=2011-06-15',
      },
      {
        credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'unknown' },
        region: 'us-east-1',
        service: 'sts',
      },
    ),
  )
}

test('noAuthActions: the first N actions pass unauthenticated, failed ones included; /moto-api probes do not count', async () => {
  const moto = await startMoto({ noAuthActions: 2 })
  started.push(moto)
  for (let probe = 0; probe < 3; probe++) await (await fetch(`${moto.endpoint}/moto-api/reset-auth`)).arrayBuffer()
  // Action 1 fails (no such stream) and still uses up one of the two.
  const missing = await fetch(
    await sign(
      {
        method: 'POST',
        url: moto.endpoint + '/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.DescribeStream' },
        body: JSON.stringify({ StreamName: 'absent' }),
      },
      {
        credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'unknown' },
        region: 'us-east-1',
        service: 'kinesis',
      },
    ),
  )
  expect(missing.status).toBe(400)
  expect((await missing.json()).__type).toBe('ResourceNotFoundException')
  expect((await unknownKeyCall(moto.endpoint)).status).toBe(200) // action 2
  const third = await unknownKeyCall(moto.endpoint)
  expect(third.status).toBe(403)
  expect(xmlValue(await third.text(), 'Code')).toBe('InvalidClientTokenId')
})

test('authChecks off: nothing is authenticated; stop() ends the whole process group and frees the port', async () => {
  const moto = await startMoto({ authChecks: false })
  started.push(moto)
  expect(moto.endpoint).toBe(`http://127.0.0.1:${moto.port}`)
  for (let call = 0; call < 3; call++) expect((await unknownKeyCall(moto.endpoint)).status).toBe(200)
  const pattern = `moto_server.py -H 127.0.0.1 -p ${moto.port}`
  const processes = () =>
    execFileSync('ps', ['-eo', 'pid,pgid,args'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes(pattern))
  expect(processes().length).toBeGreaterThan(0)
  await moto.stop()
  await moto.stop() // twice is fine
  expect(processes()).toEqual([])
  await expect(fetch(moto.endpoint + '/moto-api/reset-auth')).rejects.toThrow()
})

test('python3 missing: startMoto fails with the install command', async () => {
  const path = process.env.PATH
  process.env.PATH = '/nonexistent'
  try {
    await expect(startMoto()).rejects.toThrow('pip install "moto[server]"')
  } finally {
    process.env.PATH = path
  }
})

test('moto missing: startMoto fails with the install command', async () => {
  // A python3 that has no moto, as on a machine where it was never installed.
  const dir = mkdtempSync(join(tmpdir(), 'no-moto-'))
  writeFileSync(join(dir, 'python3'), `#!/bin/sh\necho "ModuleNotFoundError: No module named 'moto'" >&2\nexit 1\n`)
  chmodSync(join(dir, 'python3'), 0o755)
  const path = process.env.PATH
  process.env.PATH = `${dir}:${path}`
  try {
    await expect(startMoto()).rejects.toThrow('pip install "moto[server]"')
  } finally {
    process.env.PATH = path
    rmSync(dir, { recursive: true, force: true })
  }
})
