// Money from Node, checked against the emulator's ledger: the price table, maxSpend refused
// before anything is sent, maxBillable counting billed numbers rather than requests,
// remediation billed per number, usage() in dollars, and the first cached read of a number
// without data guarded as the live lookup it may be.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Client, PRICES } from 'telnyx-reputation'
import { startEmulator } from 'telnyx-reputation/testing'
import { newEnterprise } from './fixtures.mjs'

let emulator
before(async () => {
  emulator = await startEmulator()
})
after(() => emulator.stop())

const numbers = (first, count) =>
  Array.from({ length: count }, (_, i) => `+1202555${String(first + i).padStart(4, '0')}`)

/** A fresh account with an approved enterprise: a client factory, its ledger and the id. */
async function account() {
  const apiKey = `money-${randomUUID()}`
  const client = (options = {}) => new Client({ apiKey, baseUrl: emulator.baseUrl, ...options })
  const ledger = async () => (await emulator.admin('GET', '/ledger', undefined, apiKey)).data
  const plain = client()
  await plain.termsOfService.agreeNumberReputation()
  const created = await plain.enterprises.create(newEnterprise('Money LLC'))
  const document = await plain.documents.upload('loa.pdf', Buffer.from('%PDF-1.7 signed'))
  await plain.reputation(created.id).enable(document.id, 'weekly')
  await emulator.admin(
    'POST',
    '/gates',
    { enterprise_id: created.id, status: 'approved', loa_status: 'approved' },
    apiKey,
  )
  return { client, plain, ledger, id: created.id }
}

test('the published price table states what it knows and marks the rest unknown', () => {
  const table = Object.fromEntries(PRICES.map((p) => [p.item, p]))
  assert.deepEqual(Object.keys(table), [
    'monitoring',
    'enable',
    'numbers_added',
    'live_lookups',
    'refreshes',
    'scheduled_refresh',
    'remediations',
  ])
  assert.equal(table.monitoring.usd, '100.00')
  assert.equal(table.monitoring.unit, 'enterprise-month')
  assert.equal(table.live_lookups.usd, '0.10')
  assert.equal(table.remediations.usd, '1.00')
  assert.equal(table.numbers_added.usd, null)
  for (const row of PRICES) assert.ok(row.source && row.read, row.item)
  const client = new Client({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9/v2' })
  assert.deepEqual(client.prices, PRICES)
  assert.equal(client.maxSpend, null)
  assert.equal(client.remainingSpend, null)
})

test('maxSpend refuses the check that would go over before sending it', async () => {
  const { client, plain, ledger, id } = await account()
  const batch = numbers(100, 3)
  await plain.reputation(id).numbers.add(batch)
  const guarded = client({ maxSpend: '0.25' })
  const rep = guarded.reputation(id)
  await rep.numbers.getFresh(batch[0])
  await rep.numbers.getFresh(batch[1])
  assert.equal(guarded.maxSpend, '0.25')
  assert.equal(guarded.remainingSpend, '0.05')
  await assert.rejects(rep.numbers.getFresh(batch[2]), {
    code: 'BILLING_REFUSED',
    message: /max_spend \$0\.25 has \$0\.05 left/,
  })
  await assert.rejects(rep.numbers.refresh(batch.slice(0, 2)), { code: 'BILLING_REFUSED' })
  const billed = await ledger()
  assert.equal(billed.live_lookups, 2)
  assert.equal(billed.refreshes, 0)
  const usage = guarded.usage()
  assert.deepEqual(usage.usd, { usd: '0.20', exact: true, unknownUnits: {} })
  assert.deepEqual(usage.actions.live_lookups, { requests: 2, units: 2, usd: '0.20' })
  assert.equal(usage.totalUnits, 2)
})

test('an unknown price is never guessed; prices override it', async () => {
  const { client, ledger, id } = await account()
  await assert.rejects(client({ maxSpend: 1 }).reputation(id).numbers.add(numbers(200, 2)), {
    code: 'BILLING_REFUSED',
    message: /price of numbers_added is unknown/,
  })
  assert.equal((await ledger()).numbers_added, 0)

  // Unbudgeted, the usage names the units whose price is unknown instead of a figure.
  const unbudgeted = client()
  await unbudgeted.reputation(id).numbers.add(numbers(200, 2))
  const usage = unbudgeted.usage()
  assert.equal(usage.actions.numbers_added.usd, null)
  assert.deepEqual(usage.usd, { usd: '0.00', exact: false, unknownUnits: { numbers_added: 2 } })

  const priced = client({
    maxSpend: '1.00',
    prices: { numbers_added: { usd: '0.40', source: 'our contract', read: '2027-01' } },
  })
  const row = priced.prices.find((p) => p.item === 'numbers_added')
  assert.deepEqual(row, {
    item: 'numbers_added',
    unit: 'number-added',
    usd: '0.40',
    source: 'our contract',
    read: '2027-01',
  })
  await priced.reputation(id).numbers.add(numbers(300, 2))
  assert.equal(priced.usage().usd.usd, '0.80')
  await assert.rejects(priced.reputation(id).numbers.add(numbers(400, 1)), {
    code: 'BILLING_REFUSED',
    message: /costs \$0\.40/,
  })
  assert.equal((await ledger()).numbers_added, 4)
  assert.throws(() => client({ maxSpend: 'ten' }), { code: 'INVALID_INPUT', message: /maxSpend/ })
  assert.throws(() => client({ prices: { live_lookup: '0.1' } }), {
    code: 'INVALID_INPUT',
    message: /live_lookup/,
  })
})

test('maxBillable counts numbers, not requests', async () => {
  const { client, ledger, id } = await account()
  const guarded = client({ maxBillable: 50 })
  const rep = guarded.reputation(id)
  // One request of 100 numbers bills 100: over a budget of 50, refused, nothing added.
  await assert.rejects(rep.numbers.add(numbers(1000, 100)), {
    code: 'BILLING_REFUSED',
    message: /max_billable is 50/,
  })
  assert.equal((await ledger()).numbers_added, 0)
  const listed = []
  for await (const n of rep.numbers.list()) listed.push(n)
  assert.deepEqual(listed, [])
  await rep.numbers.add(numbers(1000, 50))
  assert.equal(guarded.remainingBillable, 0)
  assert.equal(guarded.usage().actions.numbers_added.units, 50)
  assert.equal((await ledger()).numbers_added, 50)
})

test('remediation is billed per number submitted', async () => {
  const { client, plain, ledger, id } = await account()
  const batch = numbers(500, 4)
  await plain.reputation(id).numbers.add(batch)
  const guarded = client({ maxBillable: 4 })
  const rep = guarded.reputation(id)
  await assert.rejects(rep.remediation.submit(numbers(500, 5), 'Appointment reminders.'), {
    code: 'BILLING_REFUSED',
    message: /remediation\.submit/,
  })
  assert.equal((await ledger()).remediations, 0)
  await rep.remediation.submit(batch.slice(0, 3), 'Appointment reminders.')
  assert.equal((await ledger()).remediations, 3)
  assert.deepEqual(guarded.usage().actions.remediations, { requests: 1, units: 3, usd: '3.00' })
  assert.equal(guarded.remainingBillable, 1)
})

test('the first read of a number without data is guarded as billable', async () => {
  const { client, plain, ledger, id } = await account()
  const [number] = numbers(600, 1)
  await plain.reputation(id).numbers.add([number])

  const zero = client({ maxBillable: 0 })
  for (const read of [
    () => zero.reputation(id).numbers.get(number),
    () => zero.numbers.get(number),
  ]) {
    await assert.rejects(read(), { code: 'BILLING_REFUSED', message: /may be billed/ })
  }
  assert.equal((await ledger()).live_lookups, 0)

  // With room for it, the first read is live, billed and counted.
  const one = client({ maxBillable: 1 })
  await one.reputation(id).numbers.get(number)
  assert.equal((await ledger()).live_lookups, 1)
  assert.equal(one.usage().actions.live_lookups.units, 1)
  assert.equal(one.remainingBillable, 0)

  // A read the answer shows came from the cache (data refreshed before the request, at
  // one-second resolution) gives its reservation back and costs nothing.
  await sleep(1100)
  const cached = client({ maxBillable: 1 })
  const read = await cached.numbers.get(number)
  assert.notEqual(read.reputationData, null)
  assert.equal(cached.usage().totalUnits, 0)
  assert.equal(cached.remainingBillable, 1)
  assert.equal((await ledger()).live_lookups, 1)
})
