// The cost guard from Node, checked against the emulator's ledger: maxBillable, usage(),
// BILLING_REFUSED, the onBillable hook, enable's optional frequency and { fresh } on the
// account-wide get.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Client } from 'telnyx-reputation'
import { startEmulator } from 'telnyx-reputation/testing'
import { newEnterprise } from './fixtures.mjs'

let emulator
before(async () => {
  emulator = await startEmulator()
})
after(() => emulator.stop())

const numbers = (first, count) =>
  Array.from({ length: count }, (_, i) => `+1202555${String(first + i).padStart(4, '0')}`)

/** A fresh account: its key, a guarded client, an unguarded one, and its ledger. */
function account(options = {}) {
  const apiKey = `billing-${randomUUID()}`
  const guarded = new Client({ apiKey, baseUrl: emulator.baseUrl, ...options })
  const plain = new Client({ apiKey, baseUrl: emulator.baseUrl })
  const ledger = async () => (await emulator.admin('GET', '/ledger', undefined, apiKey)).data
  const gates = (id) =>
    emulator.admin(
      'POST',
      '/gates',
      { enterprise_id: id, status: 'approved', loa_status: 'approved' },
      apiKey,
    )
  return { guarded, plain, ledger, gates }
}

async function enterprise(client) {
  await client.termsOfService.agreeNumberReputation()
  const created = await client.enterprises.create(newEnterprise('Billing LLC'))
  const document = await client.documents.upload('loa.pdf', Buffer.from('%PDF-1.7 signed'))
  return { id: created.id, documentId: document.id }
}

test('maxBillable refuses the request over budget before sending it; usage matches the ledger', async () => {
  // maxBillable counts billed units: enable 1 + 2 numbers added + 1 check = 4.
  const { guarded, ledger, gates } = account({ maxBillable: 4 })
  assert.equal(guarded.maxBillable, 4)
  assert.equal(guarded.remainingBillable, 4)
  const { id, documentId } = await enterprise(guarded)
  const rep = guarded.reputation(id)
  const settings = await rep.enable(documentId) // 1; frequency defaults to business_daily
  assert.equal(settings.checkFrequency, 'business_daily')
  await gates(id)
  await rep.numbers.add(numbers(1000, 2)) // 3
  await rep.numbers.getFresh(numbers(1000, 1)[0]) // 4
  await assert.rejects(rep.numbers.refresh(numbers(1000, 2)), (e) => {
    assert.equal(e.code, 'BILLING_REFUSED')
    assert.match(e.message, /numbers\.refresh/)
    assert.match(e.message, /max_billable is 4/)
    return true
  })
  const billed = await ledger()
  assert.equal(billed.refreshes, 0)
  const usage = guarded.usage()
  assert.equal(usage.totalRequests, 3)
  for (const action of ['enable', 'numbers_added', 'live_lookups', 'refreshes']) {
    assert.equal(usage.actions[action]?.units ?? 0, billed[action], action)
  }
  assert.deepEqual(usage.actions.numbers_added, { requests: 1, units: 2, usd: null })
  assert.equal(guarded.remainingBillable, 0)
})

test('addAll checks its whole plan before the first batch', async () => {
  const { guarded, plain, ledger, gates } = account({ maxBillable: 2 })
  const { id, documentId } = await enterprise(plain)
  await plain.reputation(id).enable(documentId, 'weekly')
  await gates(id)
  await assert.rejects(guarded.reputation(id).numbers.addAll(numbers(1000, 250)), {
    code: 'BILLING_REFUSED',
    message: /plans 250 billable units/,
  })
  assert.equal((await ledger()).numbers_added, 0)
  assert.equal(guarded.usage().totalRequests, 0)
})

test('onBillable sees each billable request and may refuse it', async () => {
  const seen = []
  const { guarded, plain, ledger, gates } = account({
    onBillable: (request) => {
      seen.push(request)
      if (request.action === 'refreshes') throw new Error('refreshes need a ticket')
      return request.units <= 5
    },
  })
  const { id, documentId } = await enterprise(plain)
  await plain.reputation(id).enable(documentId)
  await gates(id)
  const rep = guarded.reputation(id)
  await rep.numbers.add(numbers(2000, 3))
  for await (const _ of rep.numbers.list()) {
    // free: the hook is not called
  }
  await assert.rejects(rep.numbers.add(numbers(3000, 6)), {
    code: 'BILLING_REFUSED',
    message: /onBillable returned false/,
  })
  await assert.rejects(rep.numbers.refresh(numbers(2000, 1)), {
    code: 'BILLING_REFUSED',
    message: /refreshes need a ticket/,
  })
  assert.deepEqual(
    seen.map((r) => [r.operation, r.action, r.units]),
    [
      ['numbers.add', 'numbers_added', 3],
      ['numbers.add', 'numbers_added', 6],
      ['numbers.refresh', 'refreshes', 1],
    ],
  )
  const billed = await ledger()
  assert.equal(billed.numbers_added, 3)
  assert.equal(billed.refreshes, 0)
  assert.equal(guarded.usage().totalRequests, 1)
})

test('the account-wide get with { fresh: true } is a billed live lookup', async () => {
  const { guarded, ledger, gates } = account()
  const { id, documentId } = await enterprise(guarded)
  await guarded.reputation(id).enable(documentId)
  await gates(id)
  const [number] = numbers(4000, 1)
  await guarded.reputation(id).numbers.add([number])
  await guarded.numbers.get(number, { fresh: true })
  await guarded.numbers.get(number, { fresh: true })
  assert.equal((await ledger()).live_lookups, 2)
  assert.equal(guarded.usage().actions.live_lookups.requests, 2)
  assert.equal(guarded.maxBillable, null)
})
