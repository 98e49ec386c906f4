// Paging: `for await` walks every item lazily, `pages()` every page, `firstPage()` and
// `fetchPage(n)` one page with meta; the next page is requested while one is handled, and
// `break` stops early and cancels what is in flight.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startEmulator } from 'telnyx-reputation/testing'
import { approvedReputation, journal, newEnterprise } from './fixtures.mjs'

let emulator
let rep
let enterprise
const numbers = Array.from(
  { length: 120 },
  (_, i) => `+1202555${String(1000 + i).padStart(4, '0')}`,
)

before(async () => {
  emulator = await startEmulator()
  ;({ rep, enterprise } = await approvedReputation(emulator.client, 'Paging LLC'))
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

/** The `page[number]` of every list request in the journal, in order. */
const pagesRequested = async () =>
  (await listRequests()).map((r) => Number(new URLSearchParams(r.query).get('page[number]')))

/** Poll the journal (at most 5 s) until exactly `expected` pages were requested, then check
 * that nothing more follows while the caller is busy. */
async function waitForPages(expected) {
  const deadline = Date.now() + 5000
  while (JSON.stringify(await pagesRequested()) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) assert.deepEqual(await pagesRequested(), expected)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.deepEqual(await pagesRequested(), expected)
}

test('break stops fetching; a pager can be iterated again', async () => {
  await emulator.admin('DELETE', '/requests')
  const pager = rep.numbers.list({ pageSize: 50 })
  let count = 0
  for await (const _ of pager) if (++count === 10) break
  // Page 2 may already have been prefetched when `break` came; nothing beyond it.
  const seen = await pagesRequested()
  assert.ok(['[1]', '[1,2]'].includes(JSON.stringify(seen)), `pages requested: ${seen}`)
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

test('for await has the next page requested while a page is handled', async () => {
  await emulator.admin('DELETE', '/requests')
  const cursor = rep.numbers.list({ pageSize: 50 })[Symbol.asyncIterator]()
  await cursor.next()
  await waitForPages([1, 2])
  let rest = 0
  for (let r = await cursor.next(); !r.done; r = await cursor.next()) rest++
  assert.equal(rest, 119)
  assert.deepEqual(await pagesRequested(), [1, 2, 3])
})

test('pages() walks every page, the next one already requested', async () => {
  await emulator.admin('DELETE', '/requests')
  const pages = rep.numbers.list({ pageSize: 50 }).pages()
  assert.equal(pages[Symbol.asyncIterator](), pages)
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.deepEqual(await pagesRequested(), [], 'nothing is sent before the first next()')
  const first = await pages.next()
  assert.equal(first.done, false)
  assert.deepEqual(first.value.meta, {
    pageNumber: 1,
    pageSize: 50,
    totalPages: 3,
    totalResults: 120,
  })
  await waitForPages([1, 2])
  const walked = [first.value]
  for await (const page of pages) walked.push(page)
  assert.deepEqual(
    walked.map((p) => [p.meta.pageNumber, p.items.length]),
    [
      [1, 50],
      [2, 50],
      [3, 20],
    ],
  )
  assert.deepEqual(walked.flatMap((p) => p.items.map((n) => n.phoneNumber)).sort(), numbers)
  assert.deepEqual(await pages.next(), { done: true })
  assert.deepEqual(await pagesRequested(), [1, 2, 3])
})

test('fetchPage(n) returns page n; a page below 1 is invalid input', async () => {
  const pager = rep.numbers.list({ pageSize: 50 })
  const third = await pager.fetchPage(3)
  assert.equal(third.items.length, 20)
  assert.equal(third.meta.pageNumber, 3)
  await emulator.admin('DELETE', '/requests')
  for (const bad of [0, -1]) {
    await assert.rejects(pager.fetchPage(bad), { code: 'INVALID_INPUT', message: /page_number/ })
  }
  assert.deepEqual(await listRequests(), [])
})

test('an error ends pages() after it is thrown once', async () => {
  await emulator.admin('DELETE', '/requests')
  await emulator.admin('POST', '/faults', { method: 'GET', status: 422 })
  const pages = rep.numbers.list({ pageSize: 50 }).pages()
  await assert.rejects(pages.next(), { status: 422 })
  assert.deepEqual(await pages.next(), { done: true })
  assert.deepEqual(await pagesRequested(), [1])
})

test('break cancels the page request in flight', async () => {
  const path = `/enterprises/${enterprise.id}/reputation/numbers`
  const response = await fetch(`${emulator.baseUrl}${path}?page[number]=1&page[size]=50`, {
    headers: { authorization: `Bearer ${emulator.apiKey}` },
  })
  const pageOne = await response.json()
  const rule = { method: 'GET', path_prefix: `/v2${path}`, status: 200, body: pageOne }
  // Page 1 answers at once; the prefetched page 2 is held for 3 s.
  await emulator.admin('POST', '/faults', rule)
  await emulator.admin('POST', '/faults', { ...rule, delay_ms: 3000 })
  await emulator.admin('DELETE', '/requests')
  for await (const _ of rep.numbers.list({ pageSize: 50 }).pages()) {
    // Wait until the prefetch reached the emulator (its rule is taken), then leave.
    const deadline = Date.now() + 5000
    while ((await emulator.admin('GET', '/faults')).data.length > 0) {
      assert.ok(Date.now() < deadline, 'page 2 was never requested')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    break
  }
  // A request left running would be answered after the delay; a cancelled one hung up.
  const deadline = Date.now() + 5000
  let requests = await listRequests()
  while (requests.length < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    requests = await listRequests()
  }
  assert.equal(requests.length, 2)
  assert.equal(requests[1].abandoned, true)
  assert.equal(requests[1].status, null)
})

test('list options are the facade filter: every option reaches the wire', async () => {
  await emulator.admin('DELETE', '/requests')
  const found = []
  for await (const n of rep.numbers.list({ phoneNumberEq: numbers[7], pageSize: 5 })) found.push(n)
  assert.deepEqual(
    found.map((n) => n.phoneNumber),
    [numbers[7]],
  )
  const [request] = await listRequests()
  const query = new URLSearchParams(request.query)
  assert.equal(query.get('page[size]'), '5')
  assert.equal(query.get('filter[phone_number][eq]'), numbers[7])
  const account = emulator.client.numbers.list({ enterpriseId: enterprise.id, pageSize: 250 })
  assert.equal((await account.firstPage()).items.length, 120)
  const since = '2026-01-02T03:04:05Z'
  for await (const r of rep.remediation.list({ status: 'completed', createdAtGte: since })) {
    assert.fail(r)
  }
  const last = (await journal(emulator)).at(-1)
  assert.equal(new URLSearchParams(last.query).get('filter[created_at][gte]'), since)
  await assert.rejects(rep.remediation.list({ createdAtGte: 'yesterday' }).firstPage(), {
    code: 'INVALID_INPUT',
  })
})

test('pages and bulk results handed over as JSON text equal the objects built field by field', async () => {
  // Last in this file: its enterprise's numbers would count in the account-wide list.
  // `firstPage`, `fetchPage`, `pages()`, `add` and `addAll` hand their models over as one
  // JSON text; the item cursor and `get` set each property. Same keys, order, nulls, values.
  const own = await approvedReputation(emulator.client, 'Hand-over LLC')
  const mine = ['+13125550101', '+13125550102', '+13125550103']
  const added = await own.rep.numbers.add(mine.slice(0, 1))
  const report = await own.rep.numbers.addAll(mine.slice(1))
  assert.deepEqual(Object.keys(report), ['added', 'failed', 'isComplete'])
  const text = (values) => values.map((v) => JSON.stringify(v))
  const walk = async () => {
    const items = []
    for await (const n of own.rep.numbers.list({ pageSize: 2 })) items.push(n)
    return items
  }
  const byNumber = (items) => [...items].sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber))
  assert.deepEqual(text([...added, ...report.added]), text(byNumber(await walk())))

  // Two of them with reputation data (a nested object), one still without.
  await own.rep.numbers.refreshAll(mine.slice(0, 2))
  const cursor = byNumber(await walk())
  assert.equal(cursor.filter((n) => n.reputationData !== null).length, 2)
  const pager = own.rep.numbers.list({ pageSize: 2 })
  const first = await pager.firstPage()
  const second = await pager.fetchPage(2)
  const walked = []
  for await (const page of pager.pages()) walked.push(...page.items)
  for (const items of [[...first.items, ...second.items], walked]) {
    assert.deepEqual(text(byNumber(items)), text(cursor))
    assert.deepStrictEqual(byNumber(items), cursor)
    assert.ok(items.every((n) => Object.getPrototypeOf(n) === Object.prototype))
  }
  // `get` (field by field) of the refreshed ones: their cached record, not billed again.
  const gets = []
  for (const n of mine.slice(0, 2)) gets.push(await own.rep.numbers.get(n))
  assert.deepEqual(text(gets), text(first.items.filter((n) => n.reputationData !== null)))
  assert.deepEqual(
    JSON.stringify(second.meta),
    JSON.stringify({ pageNumber: 2, pageSize: 1, totalPages: 2, totalResults: 3 }),
  )
})

test('a page handed over as JSON text keeps text beyond ASCII', async () => {
  // ASCII text crosses as Latin-1, anything else as UTF-8: both read back the same.
  const client = emulator.client
  const created = await client.enterprises.create(newEnterprise('Crème Brûlée 東京 LLC'))
  const items = []
  for (let n = 1; ; n++) {
    const page = await client.enterprises.list({ pageSize: 50 }).fetchPage(n)
    items.push(...page.items)
    if (n >= page.meta.totalPages) break
  }
  const listed = items.find((e) => e.id === created.id)
  assert.equal(listed.legalName, 'Crème Brûlée 東京 LLC')
  assert.deepStrictEqual(listed, await client.enterprises.get(created.id))
  assert.ok(items.some((e) => e.legalName === 'Paging LLC'))
})
