// A seeded chaos soak through the Node binding, bounded in time: addAll of 1,000 numbers,
// then rounds of refreshes, remediation submits and list sweeps, while fault rules answer with
// 503s, 429s with Retry-After, connections dropped before and after the API processed the
// request, and delays past the client's timeout. Then, from the emulator's ledger and journal
// (faults cleared): no billable POST resent after an attempt that may have been processed,
// every call succeeded or rejected with a typed error, no add batch half-applied, and a batch
// whose answer was lost reported as outcomeUnknown. CHAOS_SEED changes the plan.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startEmulator } from 'telnyx-reputation/testing'
import { approvedReputation, journal } from './fixtures.mjs'

const SEED = Number(process.env.CHAOS_SEED ?? 20261201)
const PAST_TIMEOUT_MS = 700
const KINDS = [
  { status: 503 },
  { status: 429, retry_after: 1 },
  { drop_connection: true },
  { drop_after_processing: true },
  { status: 503, delay_ms: PAST_TIMEOUT_MS },
  { drop_after_processing: true, delay_ms: PAST_TIMEOUT_MS },
]
const EXPECTED = new Set(['SERVER_ERROR', 'RATE_LIMITED', 'CONNECTION', 'TIMEOUT'])

/** mulberry32: a tiny seeded generator, so the fault plan is reproducible. */
function rng(seed) {
  let a = seed >>> 0
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
  }
}

let emulator
before(async () => {
  emulator = await startEmulator({ client: { timeoutMs: 400, maxRetries: 2 } })
})
after(() => emulator.stop())

const numbers = Array.from({ length: 1000 }, (_, i) => `+1202555${String(i).padStart(4, '0')}`)
const bodyNumbers = (entry) => {
  try {
    return JSON.parse(entry.body).phone_numbers ?? []
  } catch {
    return []
  }
}
const processed = (entry) => entry.status !== null && entry.status >= 200 && entry.status < 300

function checkBillable(error) {
  assert.ok(EXPECTED.has(error.code), `${error.code}: ${error.message}`)
  if (error.code === 'CONNECTION' || error.code === 'TIMEOUT') {
    assert.equal(error.outcomeUnknown, true, error.message)
    assert.match(error.message, /outcome unknown/)
  }
}

test('chaos soak: never bills twice and reports every outcome', async () => {
  const started = Date.now()
  const { client } = emulator
  const { enterprise, rep } = await approvedReputation(client, 'Chaos Soak LLC')
  const pick = rng(SEED)
  const base = `/v2/enterprises/${enterprise.id}/reputation`
  const routes = [
    ['POST', `${base}/numbers`],
    ['POST', `${base}/numbers/refresh`],
    ['POST', `${base}/remediation`],
    ['GET', `${base}/numbers`],
  ]
  const inject = async (count) => {
    for (let i = 0; i < count; i++) {
      const [method, path] = routes[pick(routes.length)]
      const rule = { ...KINDS[pick(KINDS.length)], method, path_prefix: path, count: 1 + pick(2) }
      await emulator.admin('POST', '/faults', rule)
    }
  }
  const counts = {}
  const count = (code) => {
    counts[code] = (counts[code] ?? 0) + 1
  }

  await inject(12)
  const report = await rep.numbers.addAll(numbers, { concurrency: 4 })
  const failed = new Map(report.failed.map((f) => [f.batchIndex, f.outcomeUnknown]))
  for (const failure of report.failed) {
    count(failure.errorKind)
    assert.ok(EXPECTED.has(failure.errorKind), failure.message)
    if (failure.errorKind === 'CONNECTION' || failure.errorKind === 'TIMEOUT') {
      assert.equal(failure.outcomeUnknown, true, failure.message)
    }
  }

  for (let round = 0; round < 6; round++) {
    await inject(4)
    const start = round * 100 + pick(50)
    const calls = [
      () => rep.numbers.refresh(numbers.slice(start, start + 20 + round)),
      () => rep.remediation.submit([numbers[round * 100 + 60 + pick(30)]], `soak round ${round}`),
    ]
    for (const call of calls) {
      try {
        await call()
      } catch (error) {
        count(error.code)
        // A remediation for a number whose batch failed is refused; anything else is a fault.
        if (error.code !== 'UNPROCESSABLE' && error.code !== 'NOT_FOUND') checkBillable(error)
      }
    }
    try {
      for await (const _ of rep.numbers.list({ pageSize: 250 })) {
        // sweep every page
      }
    } catch (error) {
      assert.ok(EXPECTED.has(error.code), error.message)
      assert.notEqual(error.outcomeUnknown, true, 'a read is never outcome-unknown')
    }
  }

  await emulator.admin('DELETE', '/faults')
  const entries = await journal(emulator)
  const ledger = (await emulator.admin('GET', '/ledger')).data
  const monitored = new Set()
  for await (const n of rep.numbers.list({ pageSize: 250 })) monitored.add(n.phoneNumber)

  const byBody = new Map()
  for (const e of entries.filter((e) => e.method === 'POST')) {
    const key = `${e.path} ${e.body}`
    byBody.set(key, [...(byBody.get(key) ?? []), e])
  }
  for (const [key, attempts] of byBody) {
    for (const earlier of attempts.slice(0, -1)) {
      assert.equal(earlier.status, 429, `${key} resent after ${JSON.stringify(earlier)}`)
    }
    assert.ok(attempts.filter(processed).length <= 1, `${key} applied twice`)
  }
  const refreshed = entries
    .filter((e) => e.path === `${base}/numbers/refresh` && processed(e))
    .reduce((sum, e) => sum + bodyNumbers(e).filter((n) => monitored.has(n)).length, 0)
  assert.equal(ledger.refreshes, refreshed)
  assert.equal(ledger.numbers_added, monitored.size)

  for (const e of entries) {
    if (e.path === `${base}/numbers` && e.method === 'POST' && e.answer_dropped) {
      const index = Math.floor(numbers.indexOf(bodyNumbers(e)[0]) / 100)
      assert.equal(failed.get(index), true, `batch ${index} applied, answer lost, not unknown`)
    }
  }
  for (let index = 0; index < 10; index++) {
    const present = numbers.slice(index * 100, index * 100 + 100).filter((n) => monitored.has(n))
    assert.ok(present.length === 0 || present.length === 100, `batch ${index} half-applied`)
    if (!failed.has(index)) assert.equal(present.length, 100)
    else if (failed.get(index) === false) assert.equal(present.length, 0)
  }
  const faulted = entries.filter((e) => e.fault_id !== null).length
  const dropped = entries.filter((e) => e.answer_dropped).length
  const elapsed = (Date.now() - started) / 1000
  console.log(
    `node chaos soak seed ${SEED}: ${entries.length} requests (${faulted} faulted, ${dropped} ` +
      `answers dropped after processing), errors ${JSON.stringify(counts)}, failed batches ` +
      `${JSON.stringify([...failed])}, ledger total ${ledger.total}, ${elapsed.toFixed(1)} s`,
  )
  assert.ok(faulted > 0)
  assert.ok(elapsed < 60)
})
