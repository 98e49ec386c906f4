// Every error `code` of docs/architecture.md's errors table, with `status`, `errors` and `requestId`, and
// client-side validation that sends nothing (the emulator's journal stays empty).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  APIConnectionError,
  APIStatusError,
  APITimeoutError,
  Client,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  TelnyxReputationError,
} from 'telnyx-reputation'
import { startEmulator } from 'telnyx-reputation/testing'
import { journal, newEnterprise } from './fixtures.mjs'

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'
let emulator
before(async () => {
  emulator = await startEmulator({ client: { maxRetries: 0, timeoutMs: 500 } })
})
after(() => emulator.stop())

/** Answer this account's next request with `fault` (see the emulator's admin API). */
const inject = (account, fault) => emulator.admin('POST', '/faults', fault, account.apiKey)

test('INVALID_INPUT: rejected before any request', async () => {
  const account = emulator.account()
  const rep = account.client.reputation(UNKNOWN_ID)
  const invalid = { code: 'INVALID_INPUT', name: 'InvalidInputError' }
  await assert.rejects(rep.numbers.add(['+442071234567']), invalid)
  await assert.rejects(rep.numbers.get('12025551234'), invalid)
  await assert.rejects(rep.enable(UNKNOWN_ID, 'hourly'), invalid)
  await assert.rejects(account.client.reputation('not-a-uuid').settings(), invalid)
  await assert.rejects(account.client.termsOfService.status('chess'), invalid)
  await assert.rejects(rep.numbers.list({ pageSize: 0 }).firstPage(), invalid)
  await assert.rejects(async () => {
    for await (const n of rep.numbers.list({ ownershipStatus: 'lost' })) assert.fail(n)
  }, invalid)
  await assert.rejects(account.client.documents.upload('empty.pdf', Buffer.alloc(0)), invalid)
  assert.deepEqual(await journal(emulator, account.apiKey), [])
})

test('INVALID_INPUT: the constructor throws synchronously', () => {
  assert.throws(() => new Client({ apiKey: 'k', baseUrl: 'ftp://example.com' }), {
    code: 'INVALID_INPUT',
  })
  assert.throws(() => new Client({ apiKey: 'k', baseUrl: 'http://example.com/v2' }), {
    code: 'INVALID_INPUT',
  })
})

test('PERMISSION_DENIED and NOT_FOUND come from the emulator', async () => {
  const { client } = emulator.account()
  const enterprise = await client.enterprises.create(newEnterprise('No Terms LLC'))
  const document = await client.documents.upload('loa.pdf', Buffer.from('%PDF-1.7'))
  const denied = await client
    .reputation(enterprise.id)
    .enable(document.id, 'daily')
    .catch((e) => e)
  assert.ok(denied instanceof Error)
  // Exported classes: `instanceof` narrows, and `code` stays.
  assert.ok(denied instanceof PermissionDeniedError)
  assert.ok(denied instanceof APIStatusError)
  assert.ok(denied instanceof TelnyxReputationError)
  assert.ok(!(denied instanceof NotFoundError))
  assert.equal(denied.name, 'PermissionDeniedError')
  assert.equal(denied.code, 'PERMISSION_DENIED')
  assert.equal(denied.status, 403)
  assert.ok(denied.errors.length >= 1)
  assert.match(denied.message, /^403 /)
  await assert.rejects(client.enterprises.get(UNKNOWN_ID), (e) => {
    assert.ok(e instanceof NotFoundError)
    assert.equal(e.code, 'NOT_FOUND')
    assert.equal(e.status, 404)
    return true
  })
})

test('HTTP statuses map to their codes, with errors[] and requestId', async () => {
  const cases = [
    [401, 'AUTHENTICATION'],
    [400, 'BAD_REQUEST'],
    [409, 'CONFLICT'],
    [418, 'API_ERROR'],
    [500, 'SERVER_ERROR'],
    [503, 'SERVER_ERROR'],
  ]
  for (const [status, code] of cases) {
    const account = emulator.account()
    await inject(account, { status })
    const error = await account.client.enterprises.get(UNKNOWN_ID).catch((e) => e)
    assert.ok(error instanceof Error, `${status}`)
    assert.equal(error.code, code, `${status}`)
    assert.equal(error.status, status)
    assert.match(error.requestId, /^\S+$/) // the emulator's x-request-id
    assert.equal(error.errors.length, 1)
  }
})

test('UNPROCESSABLE carries the pointer in errors[] and the message', async () => {
  const account = emulator.account()
  const item = {
    code: '10015',
    title: 'Invalid phone number',
    source: { pointer: '/phone_numbers/0' },
  }
  await inject(account, { status: 422, body: { errors: [item] } })
  const error = await account.client.enterprises.get(UNKNOWN_ID).catch((e) => e)
  assert.equal(error.code, 'UNPROCESSABLE')
  assert.equal(error.message, '422 Unprocessable: 10015 Invalid phone number (at /phone_numbers/0)')
  assert.deepEqual(error.errors, [
    {
      code: '10015',
      title: 'Invalid phone number',
      detail: null,
      pointer: '/phone_numbers/0',
      parameter: null,
      meta: {},
    },
  ])
})

test('RATE_LIMITED carries retryAfterMs', async () => {
  const account = emulator.account()
  await inject(account, { status: 429, headers: { 'retry-after-ms': '1500' } })
  await assert.rejects(account.client.enterprises.get(UNKNOWN_ID), {
    code: 'RATE_LIMITED',
    status: 429,
    retryAfterMs: 1500,
    retryAfter: 1.5,
  })
})

test('retryAfter is on every error the server sent it with, not only RATE_LIMITED', async () => {
  const account = emulator.account()
  await inject(account, { status: 503, retry_after_ms: '2500' })
  const error = await account.client.enterprises.get(UNKNOWN_ID).catch((e) => e)
  assert.equal(error.code, 'SERVER_ERROR')
  assert.equal(error.retryAfter, 2.5)
  assert.equal(error.details.retry_after, 2.5)
})

test('DECODE: an undecodable 2xx keeps its status, request id and a body excerpt', async () => {
  const account = emulator.account()
  await inject(account, {
    status: 200,
    method: 'POST',
    path_prefix: '/v2/terms_of_service/number_reputation/agree',
    headers: { 'x-request-id': 'req-decode' },
    body: { data: { unexpected: true } },
  })
  const error = await account.client.termsOfService.agreeNumberReputation().catch((e) => e)
  assert.ok(error instanceof Error)
  assert.equal(error.code, 'DECODE')
  assert.equal(error.status, 200)
  assert.equal(error.requestId, 'req-decode')
  assert.equal(error.body, '{"data":{"unexpected":true}}')
  assert.match(error.message, /^could not decode the 200 response: /)
  assert.equal(error.details.kind, 'DECODE')
  const agrees = (await journal(emulator, account.apiKey)).filter((e) => e.path.endsWith('/agree'))
  assert.equal(agrees.length, 1, 'a 2xx is an answer: not retried')
})

const FIELDS = [
  'status',
  'requestId',
  'errors',
  'retryAfter',
  'retryAfterMs',
  'gate',
  'reasons',
  'outcomeUnknown',
  'body',
  'details',
]

test('every error has the same fields, null where they do not apply', async () => {
  const invalid = await emulator.client
    .reputation('not-a-uuid')
    .settings()
    .catch((e) => e)
  const closed = new Client({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1/v2', maxRetries: 0 })
  const refused = await closed.enterprises.get(UNKNOWN_ID).catch((e) => e)
  for (const error of [invalid, refused]) {
    for (const field of FIELDS) assert.ok(field in error, `${error.code} lacks ${field}`)
  }
  assert.equal(invalid.code, 'INVALID_INPUT')
  assert.deepEqual(
    [invalid.status, invalid.requestId, invalid.retryAfter, invalid.gate, invalid.reasons],
    [null, null, null, null, null],
  )
  assert.equal(invalid.outcomeUnknown, null)
  assert.deepEqual(Object.keys(invalid.details).sort(), [
    'body',
    'errors',
    'gate',
    'kind',
    'message',
    'outcome_unknown',
    'reasons',
    'request_id',
    'retry_after',
    'status',
  ])
  assert.equal(invalid.details.message, invalid.message)
})

// The same cases and expected details as Python's tests (bindings/fixtures/error-details.json).
const FIXTURE = JSON.parse(
  readFileSync(new URL('../../fixtures/error-details.json', import.meta.url), 'utf8'),
)

async function triggered(name) {
  const account = emulator.account()
  if (name === 'gate_rejected') {
    const { client, apiKey } = account
    await client.termsOfService.agreeNumberReputation()
    const enterprise = await client.enterprises.create(newEnterprise())
    const document = await client.documents.upload('loa.pdf', Buffer.from('%PDF-1.7'))
    const rep = client.reputation(enterprise.id)
    await rep.enable(document.id, 'business_daily')
    const gate = {
      enterprise_id: enterprise.id,
      status: 'rejected',
      rejection_reasons: ['FEIN mismatch'],
    }
    await emulator.admin('POST', '/gates', gate, apiKey)
    return rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 }).catch((e) => e)
  }
  await inject(account, FIXTURE.cases[name].fault)
  return account.client.enterprises.get(FIXTURE.unknown_id).catch((e) => e)
}

for (const name of Object.keys(FIXTURE.cases).sort()) {
  test(`details of ${name} equal the shared fixture, and the properties equal the details`, async () => {
    const error = await triggered(name)
    assert.ok(error instanceof Error, name)
    const details = FIXTURE.cases[name].details
    assert.deepEqual(error.details, details)
    assert.equal(error.code, details.kind)
    assert.equal(error.message, details.message)
    assert.deepEqual(
      [error.status, error.requestId, error.retryAfter, error.gate, error.reasons],
      [details.status, details.request_id, details.retry_after, details.gate, details.reasons],
    )
    assert.deepEqual([error.outcomeUnknown, error.body], [details.outcome_unknown, details.body])
    assert.deepEqual(
      error.errors.map((e) => e.meta),
      details.errors.map((e) => e.meta),
    )
  })
}

test('TIMEOUT and CONNECTION come from the transport', async () => {
  const account = emulator.account()
  await inject(account, { delay_ms: 3000, status: 200 })
  await assert.rejects(account.client.enterprises.get(UNKNOWN_ID), { code: 'TIMEOUT' })
  const second = emulator.account()
  await inject(second, { drop_connection: true })
  await assert.rejects(second.client.enterprises.get(UNKNOWN_ID), { code: 'CONNECTION' })
  const closed = new Client({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1/v2', maxRetries: 0 })
  const error = await closed.enterprises.get(UNKNOWN_ID).catch((e) => e)
  assert.equal(error.code, 'CONNECTION')
  assert.equal(error.status, null)
  assert.equal(error.outcomeUnknown, false)
  assert.deepEqual(error.errors, [])
})

test('GATE_REJECTED carries the gate and the reasons', async () => {
  const { client, apiKey } = emulator.account()
  await client.termsOfService.agreeNumberReputation()
  const enterprise = await client.enterprises.create(newEnterprise('Rejected LLC'))
  const document = await client.documents.upload('loa.pdf', Buffer.from('%PDF-1.7'))
  const rep = client.reputation(enterprise.id)
  await rep.enable(document.id, 'business_daily')
  const gate = {
    enterprise_id: enterprise.id,
    status: 'rejected',
    rejection_reasons: ['FEIN mismatch'],
  }
  await emulator.admin('POST', '/gates', gate, apiKey)
  await assert.rejects(rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 }), {
    code: 'GATE_REJECTED',
    gate: 'status',
    reasons: ['FEIN mismatch'],
  })
})

test('every error class is exported, from require() too, and each kind builds its own', async () => {
  const cjs = createRequire(import.meta.url)('telnyx-reputation')
  assert.equal(cjs.NotFoundError, NotFoundError)
  assert.ok(new APITimeoutError('x') instanceof APIConnectionError)
  assert.ok(new InvalidInputError('x') instanceof Error)
  const { client } = emulator.account()
  const error = await client.enterprises.get('not-a-uuid').catch((e) => e)
  assert.ok(error instanceof InvalidInputError)
  assert.ok(!(error instanceof APIStatusError))
  assert.match(error.stack, /^InvalidInputError: invalid input/)
})

test('INVALID_INPUT lists every bad field as an errors[] entry with a JSON pointer', async () => {
  const account = emulator.account()
  const rep = account.client.reputation(UNKNOWN_ID)
  const error = await rep.remediation
    .submit(['nope', '+12025551234', '+12025551234'], '', 'ops@', 'http://hooks.example.com/x')
    .catch((e) => e)
  assert.equal(error.code, 'INVALID_INPUT')
  assert.deepEqual(
    error.errors.map((e) => e.pointer),
    ['/phone_numbers/0', '/phone_numbers/2', '/call_purpose', '/contact_email', '/webhook_url'],
  )
  assert.ok(error.errors.every((e) => e.detail && e.title === 'Invalid input'))
  assert.deepEqual(error.details.errors[0].source, { pointer: '/phone_numbers/0', parameter: null })
  const bad = await account.client.enterprises.get('not-a-uuid').catch((e) => e)
  assert.deepEqual(
    bad.errors.map((e) => [e.pointer, e.parameter]),
    [[null, 'enterprise_id']],
  )
  assert.deepEqual(await journal(emulator, account.apiKey), [])
})

test('a loopback http:// webhook URL is accepted; a public one is not', async () => {
  const account = emulator.account()
  const rep = account.client.reputation(UNKNOWN_ID)
  await assert.rejects(rep.setWebhook('http://hooks.example.com/x'), {
    code: 'INVALID_INPUT',
    message: /allow_insecure_http/,
  })
  // Loopback passes validation and reaches the server (404: the enterprise does not exist).
  await assert.rejects(rep.setWebhook('http://127.0.0.1:8080/hooks'), { code: 'NOT_FOUND' })
})
