// Escape hatches: `withRawResponse` resolves to `{ data, response }` with the real status,
// headers and request id; the last argument's `extraHeaders` / `extraQuery` / `extraBody`
// reach the server (read back from the emulator's journal); refused extras reject before
// any I/O.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  Client,
  InvalidInputError,
  BillingRefusedError,
  UnprocessableEntityError,
} from 'telnyx-reputation'
import { startEmulator } from 'telnyx-reputation/testing'
import { approvedReputation, journal, newEnterprise } from './fixtures.mjs'

let emulator
before(async () => {
  emulator = await startEmulator()
})
after(() => emulator.stop())

const last = async () => (await journal(emulator)).at(-1)

test('withRawResponse resolves to the value and its status, headers and request id', async () => {
  const raw = await emulator.client.enterprises.withRawResponse.create(newEnterprise('Raw LLC'))
  const entry = await last()
  assert.equal(raw.response.status, entry.status)
  assert.ok(raw.response.status >= 200 && raw.response.status < 300)
  assert.equal(raw.response.requestId, entry.request_id)
  assert.equal(raw.response.headers['x-request-id'], entry.request_id)
  assert.equal(raw.response.headers['content-type'], 'application/json')
  assert.equal(raw.data.legalName, 'Raw LLC')

  const got = await emulator.client.enterprises.withRawResponse.get(raw.data.id)
  assert.equal(got.response.status, 200)
  assert.equal(got.response.requestId, (await last()).request_id)
  assert.notEqual(got.response.requestId, raw.response.requestId)
  // Sub-handles of a raw handle are raw; the plain handle is unchanged.
  const rep = emulator.client.reputation(raw.data.id)
  const pdf = await rep.withRawResponse.loa.render()
  assert.equal(pdf.response.requestId, (await last()).request_id)
  assert.ok(Buffer.isBuffer(pdf.data))
  assert.equal((await emulator.client.enterprises.get(raw.data.id)).id, raw.data.id)
  // A failed raw call rejects with the same error.
  await assert.rejects(
    emulator.client.enterprises.withRawResponse.get('6a09cdc3-8948-47f0-aa62-74ac943d6c58'),
    (e) => e.code === 'NOT_FOUND' && typeof e.requestId === 'string',
  )
})

test('extraHeaders and extraQuery reach the server', async () => {
  const { id } = await emulator.client.enterprises.create(newEnterprise('Extras LLC'))
  await emulator.client.enterprises.get(id, {
    extraHeaders: { 'X-Trace-Id': 'node-trace' },
    extraQuery: { beta_view: 'full' },
  })
  let entry = await last()
  assert.equal(entry.headers['x-trace-id'], 'node-trace')
  assert.equal(entry.query, 'beta_view=full')
  // A list takes them after its own options.
  await emulator.client.enterprises
    .list({ pageSize: 3 }, { extraQuery: { beta_view: 'full' } })
    .firstPage()
  entry = await last()
  assert.ok(
    entry.query.includes('page%5Bsize%5D=3') && entry.query.endsWith('&beta_view=full'),
    entry.query,
  )
  await emulator.client.enterprises.get(id)
  assert.equal((await last()).headers['x-trace-id'], undefined)
})

test('extraBody is merged into the JSON body', async () => {
  await assert.rejects(
    emulator.client.enterprises.create(newEnterprise('Body LLC'), {
      extraBody: { future_field: { a: 1 } },
    }),
    (e) => e instanceof UnprocessableEntityError && e.errors[0].pointer === '/future_field',
  )
  const body = JSON.parse((await last()).body)
  assert.deepEqual(body.future_field, { a: 1 })
  assert.equal(body.legal_name, 'Body LLC')
})

test('refused extras reject before any I/O, naming what is refused', async () => {
  const { rep } = await approvedReputation(emulator.client, 'Refused LLC')
  const before = (await journal(emulator)).length
  const cases = [
    [{ extraHeaders: { Authorization: 'Bearer KEYother' } }, '`Authorization`'],
    [{ extraHeaders: { 'Idempotency-Key': 'k-1' } }, '`Idempotency-Key`'],
    [{ extraQuery: { fresh: 'true' } }, '`fresh`'],
    [{ extraBody: { phone_numbers: [] } }, 'no additional properties'],
  ]
  for (const [extras, named] of cases) {
    await assert.rejects(rep.numbers.add(['+12025551000'], extras), (e) => {
      assert.ok(e instanceof InvalidInputError, String(e))
      assert.ok(e.message.includes(named), e.message)
      assert.ok(!e.message.includes('KEYother'))
      return true
    })
  }
  // A mistyped extra throws at once, naming it.
  assert.throws(
    () => rep.numbers.get('+12025551000', { extraHeaders: { 'X-Count': 1 } }),
    (e) => e instanceof InvalidInputError && e.message.includes('extraHeaders'),
  )
  assert.equal((await journal(emulator)).length, before, 'nothing may be sent')
})

test('extras do not get around the cost guard', async () => {
  const { enterprise } = await approvedReputation(emulator.client, 'Guarded LLC')
  const before = (await journal(emulator)).length
  const guarded = new Client({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, maxBillable: 0 })
  await assert.rejects(
    guarded
      .reputation(enterprise.id)
      .numbers.add(['+12025551000'], { extraHeaders: { 'X-Trace-Id': 't' } }),
    (e) => e instanceof BillingRefusedError,
  )
  assert.equal((await journal(emulator)).length, before)
})
