// The CommonJS and ESM entry points export the same native classes; `testing` too.
const { test } = require('node:test')
const assert = require('node:assert/strict')

test('require and import see the same exports', async () => {
  const cjs = require('telnyx-reputation')
  const esm = await import('telnyx-reputation')
  for (const name of ['Client', 'webhooks', 'NumberPager']) {
    assert.ok(cjs[name], name)
    assert.equal(esm[name], cjs[name], name)
  }
  assert.equal(esm.default, cjs)
  const testing = require('telnyx-reputation/testing')
  const testingEsm = await import('telnyx-reputation/testing')
  assert.equal(typeof testing.startEmulator, 'function')
  assert.equal(testingEsm.startEmulator, testing.startEmulator)
})

test('new Client reads TELNYX_API_KEY and TELNYX_BASE_URL when options are left out', () => {
  const { Client } = require('telnyx-reputation')
  const saved = { key: process.env.TELNYX_API_KEY, url: process.env.TELNYX_BASE_URL }
  try {
    process.env.TELNYX_API_KEY = 'from-env'
    process.env.TELNYX_BASE_URL = 'http://127.0.0.1:4010/v2'
    assert.equal(new Client().baseUrl, 'http://127.0.0.1:4010/v2')
    assert.equal(
      new Client({ baseUrl: 'https://api.example.com/v2' }).baseUrl,
      'https://api.example.com/v2',
    )
    delete process.env.TELNYX_API_KEY
    assert.throws(() => new Client(), { code: 'INVALID_INPUT' })
  } finally {
    for (const [name, value] of [
      ['TELNYX_API_KEY', saved.key],
      ['TELNYX_BASE_URL', saved.url],
    ]) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
})
