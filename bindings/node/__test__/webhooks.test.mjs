// webhooks.verify: Ed25519 over "timestamp|body", typed events, WEBHOOK_VERIFICATION failures.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync, sign } from 'node:crypto'
import { webhooks } from 'telnyx-reputation'

const { publicKey, privateKey } = generateKeyPairSync('ed25519')
// The raw 32-byte key, base64, as the Telnyx portal shows it (the DER prefix is 12 bytes).
const PUBLIC_KEY = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64')

function signed(body, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = sign(null, Buffer.from(`${timestamp}|${body}`), privateKey).toString('base64')
  return { 'telnyx-signature-ed25519': signature, 'telnyx-timestamp': String(timestamp) }
}

const flagged = JSON.stringify({
  data: {
    id: 'evt-1',
    event_type: 'number_reputation.number.flagged',
    occurred_at: '2026-04-26T18:09:24Z',
    record_type: 'event',
    payload: {
      record_type: 'reputation_phone_number',
      enterprise_id: '4a6192a4-573d-446d-b3ce-aff9117272a6',
      phone_number: '+12025551234',
      source: 'external',
      ownership_status: 'pending_confirmation',
      flag_reason: 'carrier_changed',
      confirm_by: '2026-05-10T00:00:00Z',
    },
  },
  meta: { attempt: 1, delivered_to: 'https://example.com/hooks' },
})

test('a signed delivery verifies into a typed event (Buffer or string body)', () => {
  const headers = signed(flagged)
  for (const payload of [Buffer.from(flagged), flagged]) {
    const event = webhooks.verify(payload, headers, PUBLIC_KEY)
    assert.equal(event.type, 'number_flagged')
    assert.equal(event.phoneNumber, '+12025551234')
    assert.equal(event.flagReason, 'carrier_changed')
    assert.equal(event.delivery.eventId, 'evt-1')
    assert.equal(event.delivery.attempt, 1)
  }
})

test('header names match case-insensitively; unknown event types are kept', () => {
  const body = JSON.stringify({ data: { event_type: 'number_reputation.something_new', id: 'x' } })
  const headers = Object.fromEntries(
    Object.entries(signed(body)).map(([k, v]) => [k.toUpperCase(), v]),
  )
  const event = webhooks.verify(body, headers, PUBLIC_KEY)
  assert.equal(event.type, 'unknown')
  assert.equal(event.payload.data.event_type, 'number_reputation.something_new')
})

test('a tampered body, a stale timestamp or a missing header throws WEBHOOK_VERIFICATION', () => {
  const headers = signed(flagged)
  const failures = [
    () => webhooks.verify(flagged.replace('+12025551234', '+12025559999'), headers, PUBLIC_KEY),
    () =>
      webhooks.verify(flagged, signed(flagged, Math.floor(Date.now() / 1000) - 600), PUBLIC_KEY),
    () => webhooks.verify(flagged, { 'telnyx-timestamp': headers['telnyx-timestamp'] }, PUBLIC_KEY),
    () => webhooks.verify(flagged, headers, 'not a key'),
  ]
  for (const call of failures) {
    assert.throws(call, (e) => e instanceof Error && e.code === 'WEBHOOK_VERIFICATION')
  }
})

test('sign and publicKey make deliveries that verify; a wrong key does not', () => {
  const signingKey = Buffer.alloc(32, 7).toString('base64')
  const key = webhooks.publicKey(signingKey)
  assert.equal(Buffer.from(key, 'base64').length, 32)
  const timestamp = Math.floor(Date.now() / 1000)
  const headers = webhooks.sign(flagged, timestamp, signingKey)
  assert.deepEqual(Object.keys(headers).sort(), ['telnyx-signature-ed25519', 'telnyx-timestamp'])
  assert.equal(headers['telnyx-timestamp'], String(timestamp))
  assert.equal(webhooks.verify(Buffer.from(flagged), headers, key).type, 'number_flagged')
  assert.throws(() => webhooks.verify(flagged, headers, PUBLIC_KEY), {
    code: 'WEBHOOK_VERIFICATION',
  })
  assert.throws(() => webhooks.publicKey('c2hvcnQ='), { code: 'WEBHOOK_VERIFICATION' })
})

test('verify takes IncomingHttpHeaders: undefined values, one-element and repeated arrays', () => {
  const headers = signed(flagged)
  const incoming = {
    ...headers,
    'telnyx-timestamp': [headers['telnyx-timestamp']],
    'x-forwarded-for': ['10.0.0.1', '10.0.0.2'],
    'x-absent': undefined,
  }
  assert.equal(webhooks.verify(flagged, incoming, PUBLIC_KEY).type, 'number_flagged')
  const repeated = {
    ...headers,
    'telnyx-signature-ed25519': [headers['telnyx-signature-ed25519'], 'AAAA'],
  }
  assert.throws(() => webhooks.verify(flagged, repeated, PUBLIC_KEY), {
    code: 'WEBHOOK_VERIFICATION',
    message: /telnyx-signature-ed25519 header is repeated/,
  })
  const missing = { ...headers, 'telnyx-timestamp': undefined }
  assert.throws(() => webhooks.verify(flagged, missing, PUBLIC_KEY), {
    message: /missing telnyx-timestamp/,
  })
})

test('a remediation status change is a typed event carrying the request', () => {
  const body = JSON.stringify({
    data: {
      id: 'evt-r1',
      event_type: 'number_reputation.remediation.status_changed',
      occurred_at: '2026-06-08T10:00:00Z',
      record_type: 'event',
      payload: {
        record_type: 'remediation_request',
        enterprise_id: '4a6192a4-573d-446d-b3ce-aff9117272a6',
        id: '9d5c1c1e-5b8e-4f7e-9a55-1d2f0c3b4a10',
        status: 'completed',
        phone_numbers_count: 2,
        phone_numbers_submitted: 2,
        phone_numbers_ineligible: 0,
        call_purpose: 'Appointment reminders',
        webhook_url: 'http://127.0.0.1:8080/remediation',
        results: {
          remediated: ['+12025551234'],
          not_flagged: [],
          requires_review: [],
          ineligible: [],
          refused: ['+12025555678'],
        },
        created_at: '2026-06-07T10:00:00Z',
        updated_at: '2026-06-08T10:00:00Z',
      },
    },
    meta: { attempt: 1, delivered_to: 'http://127.0.0.1:8080/remediation' },
  })
  const event = webhooks.verify(body, signed(body), PUBLIC_KEY)
  assert.equal(event.type, 'remediation_status_changed')
  assert.equal(event.enterpriseId, '4a6192a4-573d-446d-b3ce-aff9117272a6')
  assert.equal(event.delivery.eventId, 'evt-r1')
  assert.equal(event.remediation.id, '9d5c1c1e-5b8e-4f7e-9a55-1d2f0c3b4a10')
  assert.equal(event.remediation.status, 'completed')
  assert.equal(event.remediation.webhookUrl, 'http://127.0.0.1:8080/remediation')
  assert.deepEqual(event.remediation.results.refused, ['+12025555678'])
})
