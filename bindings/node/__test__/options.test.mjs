// Client options: the options object is deserialized into the Rust core's ClientOptions (one
// definition of names, types and units), an unknown or mistyped option throws INVALID_INPUT
// naming it, and every option has an effect against the emulator.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Client } from 'telnyx-reputation'
import { startEmulator } from 'telnyx-reputation/testing'
import { journal } from './fixtures.mjs'

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'
let emulator
before(async () => {
  emulator = await startEmulator()
})
after(() => emulator.stop())

/** A client for a fresh emulator account with these options, and a fault injector for it. */
function account(options) {
  const apiKey = `test-options-${Math.random().toString(16).slice(2)}`
  const client = new Client({ apiKey, baseUrl: emulator.baseUrl, ...options })
  const fault = (rule) => emulator.admin('POST', '/faults', rule, apiKey)
  const requests = () => journal(emulator, apiKey)
  return { client, fault, requests }
}

test('a misspelt option throws INVALID_INPUT naming it and listing the valid names', () => {
  assert.throws(
    () => new Client({ apiKey: 'KEY_x', retryCapMS: 10 }),
    (e) => {
      assert.equal(e.code, 'INVALID_INPUT')
      assert.match(e.message, /unknown field `retryCapMS`/)
      assert.match(e.message, /`retryCapMs`/)
      assert.match(e.message, /`onBillable`$/)
      return true
    },
  )
  // Python's spelling is not Node's: snake_case names are refused too.
  assert.throws(() => new Client({ apiKey: 'KEY_x', max_retries: 1 }), {
    code: 'INVALID_INPUT',
    message: /unknown field `max_retries`/,
  })
})

test('a mistyped option throws INVALID_INPUT naming it', () => {
  assert.throws(() => new Client({ apiKey: 'KEY_x', maxRetries: '3' }), {
    code: 'INVALID_INPUT',
    message: /client options: maxRetries: invalid type/,
  })
  assert.throws(() => new Client({ apiKey: 'KEY_x', retryDeadlineMs: 1.5 }), {
    code: 'INVALID_INPUT',
    message: /retryDeadlineMs/,
  })
})

test('the options object is not modified, and onBillable still works beside the data', async () => {
  let asked = 0
  const options = { maxBillable: 5, onBillable: () => ++asked > 100 }
  const { client } = account(options)
  assert.deepEqual(Object.keys(options), ['maxBillable', 'onBillable'])
  assert.equal(client.maxBillable, 5)
  const rep = client.reputation(UNKNOWN_ID)
  await assert.rejects(rep.enable(UNKNOWN_ID, 'daily'), { code: 'BILLING_REFUSED' })
  assert.equal(asked, 1)
})

test('maxRetries and timeoutMs take effect', async () => {
  const retried = account({ maxRetries: 2, retryCapMs: 10 })
  await retried.fault({ status: 503, count: 2, retry_after_ms: '1' })
  await retried.client.termsOfService.status('number_reputation')
  assert.equal((await retried.requests()).length, 3)
  const once = account({ maxRetries: 0 })
  await once.fault({ status: 503 })
  await assert.rejects(once.client.termsOfService.status('number_reputation'), {
    code: 'SERVER_ERROR',
  })
  const impatient = account({ timeoutMs: 200, maxRetries: 0 })
  await impatient.fault({ status: 200, delay_ms: 2000 })
  await assert.rejects(impatient.client.enterprises.get(UNKNOWN_ID), { code: 'TIMEOUT' })
})

test('retryCapMs: a server asking for a longer wait than the cap gets its error back at once', async () => {
  const capped = account({ maxRetries: 3, retryCapMs: 50 })
  await capped.fault({ status: 503, count: 4, retry_after_ms: '5000' })
  const started = Date.now()
  await assert.rejects(capped.client.termsOfService.status('number_reputation'), {
    code: 'SERVER_ERROR',
    retryAfter: 5,
  })
  assert.equal((await capped.requests()).length, 1, 'not retried')
  assert.ok(Date.now() - started < 4000, 'did not wait the 5 s asked for')
})

test('retryDeadlineMs bounds a retry loop against a fault rule', async () => {
  // Without the deadline, 5 retries 200 ms apart would answer after the sixth attempt.
  const bounded = account({ maxRetries: 5, retryCapMs: 200, retryDeadlineMs: 300 })
  await bounded.fault({ status: 503, count: 6, retry_after_ms: '200' })
  await assert.rejects(bounded.client.termsOfService.status('number_reputation'), {
    code: 'SERVER_ERROR',
  })
  const attempts = (await bounded.requests()).length
  assert.ok(attempts >= 1 && attempts <= 3, `${attempts} attempts`)
})

test('userAgent replaces the User-Agent header', async () => {
  const custom = account({ userAgent: 'acme-dialer/2.1' })
  await custom.client.termsOfService.status('number_reputation')
  const [entry] = await custom.requests()
  assert.equal(entry.headers['user-agent'], 'acme-dialer/2.1')
  const plain = account({})
  await plain.client.termsOfService.status('number_reputation')
  const [first] = await plain.requests()
  assert.match(first.headers['user-agent'], /^telnyx-reputation-node\//)
})

test('allowInsecureHttp lets the key go over plain http to a non-loopback host', () => {
  const url = 'http://api.example.com/v2'
  assert.throws(() => new Client({ apiKey: 'KEY_x', baseUrl: url }), {
    code: 'INVALID_INPUT',
    message: /plain http/,
  })
  const client = new Client({ apiKey: 'KEY_x', baseUrl: url, allowInsecureHttp: true })
  assert.equal(client.baseUrl, url)
})
