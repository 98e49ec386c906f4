// Paging: `for await` walks every page lazily, `firstPage()` returns meta, `break` stops early.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startEmulator } from 'telnyx-reputation/testing'
import { approvedReputation, journal } from './fixtures.mjs'

let emulator
let rep
const numbers = Array.from(
  { length: 120 },
  (_, i) => `+1202555${String(1000 + i).padStart(4, '0')}`,
)

before(async () => {
  emulator = await startEmulator()
  ;({ rep } = await approvedReputation(emulator.client, 'Paging LLC'))
  await rep.numbers.add(numbers.slice(0, 100))
  await rep.numbers.add(numbers.slice(100))
})
after(() => emulator.stop())

const listRequests = async () =>
  (await journal(emulator)).filter(
    (r) => r.method === 'GET' && r.path.endsWith('/reputation/numbers'),
  )

test('for await iterates every item across pages of pageSize', async () => {
  await emulator.admin('DELETE', '/requests')
  const seen = []
  for await (const n of rep.numbers.list({ pageSize: 50 })) seen.push(n.phoneNumber)
  assert.deepEqual(seen.sort(), numbers)
  const queries = (await listRequests()).map((r) => decodeURIComponent(r.query))
  assert.equal(queries.length, 3)
  assert.ok(queries.every((q) => q.includes('page[size]=50')))
})

test('firstPage returns items and meta', async () => {
  const page = await rep.numbers.list({ pageSize: 50 }).firstPage()
  assert.equal(page.items.length, 50)
  assert.deepEqual(page.meta, { pageNumber: 1, pageSize: 50, totalPages: 3, totalResults: 120 })
})

test('break stops fetching; a pager can be iterated again', async () => {
  await emulator.admin('DELETE', '/requests')
  const pager = rep.numbers.list({ pageSize: 50 })
  let count = 0
  for await (const _ of pager) if (++count === 10) break
  assert.equal((await listRequests()).length, 1)
  let again = 0
  for await (const _ of pager) again++
  assert.equal(again, 120)
})

test('account-wide list pages the same way', async () => {
  let count = 0
  for await (const _ of emulator.client.numbers.list({ pageSize: 250 })) count++
  assert.equal(count, 120)
})

test('next() calls made without awaiting hand out every item once, then done', async () => {
  const cursor = rep.numbers.list({ pageSize: 50 })[Symbol.asyncIterator]()
  const results = await Promise.all(Array.from({ length: 122 }, () => cursor.next()))
  const items = results.filter((r) => !r.done).map((r) => r.value.phoneNumber)
  assert.deepEqual(items.sort(), numbers)
  assert.equal(results.filter((r) => r.done).length, 2)
  assert.deepEqual(await cursor.next(), { done: true })
})
