// The README's first-call snippet runs verbatim against the emulator.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { startEmulator } from 'telnyx-reputation/testing'

const here = fileURLToPath(new URL('.', import.meta.url))
let emulator
before(async () => {
  emulator = await startEmulator()
})
after(() => emulator.stop())

test('README first-call snippet', async () => {
  const readme = await readFile(join(here, '..', 'README.md'), 'utf8')
  const snippet = /```js\n([\s\S]*?)```/.exec(readme)[1]
  // Written inside this package, `require('telnyx-reputation')` resolves to the build here
  // through the package's self-reference, so the snippet runs verbatim.
  const dir = await mkdtemp(join(here, '.readme-'))
  const file = join(dir, 'snippet.cjs')
  await writeFile(file, snippet)
  const env = { ...process.env, TELNYX_API_KEY: emulator.apiKey, TELNYX_BASE_URL: emulator.baseUrl }
  const { stdout } = await promisify(execFile)(process.execPath, [file], { env }).finally(() =>
    rm(dir, { recursive: true }),
  )
  const lines = stdout.trim().split('\n').sort()
  assert.equal(lines.length, 2)
  assert.match(lines[0], /^\+12025551234 (low|medium|high)$/)
  assert.match(lines[1], /^\+12025555678 (low|medium|high)$/)
})
