// A new user's first hour, scripted: onboarding, 1,000 numbers from a CSV, what a read of a
// new number shows, a local webhook receiver in a plain `node:http` server, typed events and
// error classes. (The typed side — literal enum inputs, `instanceof` narrowing — is
// `types/usage.mts`, compiled by `tsc --strict`.)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'
import {
  BillingRefusedError,
  Client,
  InvalidInputError,
  NotFoundError,
  TelnyxReputationError,
  webhooks,
} from 'telnyx-reputation'
import { startEmulator } from 'telnyx-reputation/testing'
import { newEnterprise } from './fixtures.mjs'

let emulator
before(async () => {
  emulator = await startEmulator()
})
after(() => emulator.stop())

/** A loopback receiver verifying every delivery with the SDK; `next()` is the next event. */
async function receiver(publicKey) {
  const events = []
  const waiting = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      // `req.headers` is Node's IncomingHttpHeaders, taken as is.
      const event = webhooks.verify(Buffer.concat(chunks), req.headers, publicKey)
      res.writeHead(200).end()
      const resolve = waiting.shift()
      if (resolve) resolve(event)
      else events.push(event)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const next = () =>
    events.length > 0
      ? Promise.resolve(events.shift())
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no delivery within 15 s')), 15_000)
          waiting.push((event) => {
            clearTimeout(timer)
            resolve(event)
          })
        })
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    next,
    close: () => server.close(),
  }
}

function fleetCsv(count) {
  const lines = ['phone_number,label']
  for (let i = 0; i < count; i++) lines.push(`+1202555${String(i).padStart(4, '0')},line ${i}`)
  return lines.join('\n')
}

test('the first hour', async () => {
  const apiKey = `newcomer-${randomUUID()}`
  const admin = (method, path, body) => emulator.admin(method, path, body, apiKey)
  const requests = async () => (await admin('GET', '/requests')).data.length
  const ledger = async () => (await admin('GET', '/ledger')).data
  const client = new Client({ apiKey, baseUrl: emulator.baseUrl, maxBillable: 2000 })

  // Onboarding: terms, the enterprise, the LOA, both approval gates.
  await client.termsOfService.agreeNumberReputation()
  const enterprise = await client.enterprises.create(newEnterprise('Newcomer LLC'))
  const rep = client.reputation(enterprise.id)
  const loa = await rep.loa.render()
  assert.equal(loa.subarray(0, 4).toString(), '%PDF')
  await rep.enable((await client.documents.upload('loa.pdf', loa)).id, 'business_daily')
  await admin('POST', '/gates', {
    enterprise_id: enterprise.id,
    status: 'approved',
    loa_status: 'approved',
  })
  const settings = await rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 })
  // A property, as Python's `ready_for_numbers` (point 8).
  assert.equal(settings.readyForNumbers, true)

  // An enum value the API does not have is refused before any request (point 7's run-time
  // half; `tsc --strict` refuses it in usage.mts).
  const sent = await requests()
  await assert.rejects(rep.setFrequency('hourly'), InvalidInputError)
  assert.equal(await requests(), sent)

  // 1,000 numbers from a CSV with one typo: a structured entry with a JSON pointer, nothing
  // sent or billed (point 5).
  const numbers = fleetCsv(1000)
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0])
  const typo = [...numbers.slice(0, 10), '+1202555O011', ...numbers.slice(10)]
  const before = await ledger()
  const refused = await rep.numbers.addAll(typo).catch((e) => e)
  assert.ok(refused instanceof InvalidInputError, String(refused))
  assert.deepEqual(
    refused.errors.map((e) => e.pointer),
    ['/phone_numbers/10'],
  )
  assert.deepEqual(await ledger(), before)
  const report = await rep.numbers.addAll(numbers)
  // A property, as Python's `is_complete` (point 8).
  assert.equal(report.isComplete, true)
  assert.equal(report.added.length, 1000)

  // Newly added numbers have no reputation data (point 1).
  const page = await rep.numbers.list({ pageSize: 250 }).firstPage()
  assert.equal(page.items.length, 250)
  assert.ok(page.items.every((n) => n.reputationData === null))
  await rep.numbers.refresh(numbers.slice(0, 10))
  const withData = []
  for await (const n of rep.numbers.list({ pageSize: 250 })) {
    if (n.reputationData !== null) withData.push(n.phoneNumber)
  }
  assert.deepEqual(withData.sort(), numbers.slice(0, 10))
  assert.equal(client.usage().actions.refreshes.units, 10)

  // A plain-http loopback webhook is accepted (point 2); deliveries arrive typed.
  const { public_key: publicKey } = await admin('GET', '/webhooks/public_key')
  const hook = await receiver(publicKey)
  try {
    await rep.setWebhook(hook.url)
    await admin('POST', '/numbers/ownership', {
      phone_number: numbers[3],
      ownership_status: 'pending_confirmation',
      flag_reason: 'reverification_due',
    })
    const flagged = await hook.next()
    assert.equal(flagged.type, 'number_flagged')
    assert.equal(flagged.phoneNumber, numbers[3])

    // Remediation with its own loopback webhook: typed status changes (point 3).
    const submitted = await rep.remediation.submit(
      numbers.slice(0, 2),
      'Appointment reminders for our clinic.',
      null,
      hook.url,
    )
    const done = await rep.remediation.waitUntilFinished(submitted.id, {
      intervalMs: 10,
      timeoutMs: 10_000,
    })
    assert.equal(done.status, 'completed')
    const seen = []
    while (seen.at(-1) !== 'completed') {
      const event = await hook.next()
      assert.equal(event.type, 'remediation_status_changed', JSON.stringify(event))
      assert.equal(event.remediation.id, submitted.id)
      seen.push(event.remediation.status)
    }
    assert.equal(client.usage().actions.remediations.units, 2)
  } finally {
    hook.close()
  }

  // Error classes to catch with `instanceof`, and a stable `code` (point 4).
  const missing = await rep.remediation.get('00000000-0000-4000-8000-000000000000').catch((e) => e)
  assert.ok(missing instanceof NotFoundError)
  assert.ok(missing instanceof TelnyxReputationError)
  assert.equal(missing.code, 'NOT_FOUND')
  assert.equal(missing.status, 404)

  // A budget is a budget: past it, refused before I/O, nothing billed.
  const tight = new Client({ apiKey, baseUrl: emulator.baseUrl, maxBillable: 5 })
  const unchanged = await ledger()
  await assert.rejects(
    tight.reputation(enterprise.id).numbers.refresh(numbers.slice(10, 20)),
    BillingRefusedError,
  )
  assert.deepEqual(await ledger(), unchanged)
})
