// One benchmark workload for one Node client, printed as one JSON line.
//
//     node workload.mjs ours|official|raw cold|sweep|add|get
//
// Clients: `ours` is the `telnyx-reputation` package, `official` the npm `telnyx` SDK,
// `raw` a plain fetch + JSON.parse loop (the floor). Each client is imported dynamically
// inside its factory, so `cold` (import, client, one cached GET) is what a new process
// pays. `cargo xtask bench` copies this file next to .cache/bench-node/node_modules, sets
// the BENCH_* variables, times whole processes (cold start) and reads peak RSS; this
// script times the workload itself.

const env = process.env
const BASE = env.BENCH_BASE_URL
const KEY = env.BENCH_API_KEY
const ENTERPRISE = env.BENCH_ENTERPRISE_ID
const PAGE_SIZE = 250
const BATCH = 100

function benchNumbers() {
  const count = Number(env.BENCH_COUNT ?? 10000)
  return Array.from({ length: count }, (_, i) => `+1202555${String(i).padStart(4, '0')}`)
}

function batches(all) {
  const out = []
  for (let i = 0; i < all.length; i += BATCH) out.push(all.slice(i, i + BATCH))
  return out
}

function tally(counts, risk) {
  const key = risk ?? 'none'
  counts[key] = (counts[key] ?? 0) + 1
}

const sweepResult = (counts) => ({
  items: Object.values(counts).reduce((a, b) => a + b, 0),
  by_risk: counts,
})

// --- ours: the telnyx-reputation package ----------------------------------------------
const ours = {
  async make() {
    const { Client } = await import('telnyx-reputation')
    return new Client({ apiKey: KEY, baseUrl: BASE }).reputation(ENTERPRISE).numbers
  },
  async sweep(numbers) {
    const counts = {}
    for await (const n of numbers.list({ pageSize: PAGE_SIZE }))
      tally(counts, n.reputationData?.spamRisk)
    return sweepResult(counts)
  },
  async add(numbers) {
    // The package's bulk path: validate all, atomic batches of 100, 4 in flight.
    const report = await numbers.addAll(benchNumbers())
    if (report.failed.length > 0)
      throw new Error(`batches failed: ${JSON.stringify(report.failed)}`)
    return { items: report.added.length }
  },
  async get(numbers, calls) {
    for (let i = 0; i < calls; i++) await numbers.get(env.BENCH_NUMBER)
    return { calls }
  },
}

// --- official: the telnyx SDK from npm ---------------------------------------------------
const official = {
  async make() {
    const { default: Telnyx } = await import('telnyx')
    return new Telnyx({ apiKey: KEY, baseURL: BASE }).enterprises.reputation.numbers
  },
  async sweep(numbers) {
    const counts = {}
    for await (const n of numbers.list(ENTERPRISE, { 'page[size]': PAGE_SIZE })) {
      tally(counts, n.reputation_data?.spam_risk)
    }
    return sweepResult(counts)
  },
  async add(numbers) {
    let items = 0
    for (const batch of batches(benchNumbers())) {
      items += (await numbers.associate(ENTERPRISE, { phone_numbers: batch })).data.length
    }
    return { items }
  },
  async get(numbers, calls) {
    for (let i = 0; i < calls; i++)
      await numbers.retrieve(env.BENCH_NUMBER, { enterprise_id: ENTERPRISE })
    return { calls }
  },
}

// --- raw: fetch + JSON.parse, the floor --------------------------------------------------
async function rawJson(response) {
  const text = await response.text()
  if (!response.ok) throw new Error(`${response.status}: ${text}`)
  return JSON.parse(text)
}

const raw = {
  async make() {
    return {
      url: `${BASE}/enterprises/${ENTERPRISE}/reputation/numbers`,
      headers: { Authorization: `Bearer ${KEY}` },
    }
  },
  async sweep({ url, headers }) {
    const counts = {}
    for (let page = 1; ; page++) {
      const query = `page%5Bnumber%5D=${page}&page%5Bsize%5D=${PAGE_SIZE}`
      const body = await rawJson(await fetch(`${url}?${query}`, { headers }))
      for (const n of body.data) tally(counts, n.reputation_data?.spam_risk)
      if (body.data.length === 0 || page >= body.meta.total_pages) return sweepResult(counts)
    }
  },
  async add({ url, headers }) {
    let items = 0
    for (const batch of batches(benchNumbers())) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ phone_numbers: batch }),
      })
      items += (await rawJson(response)).data.length
    }
    return { items }
  },
  async get({ url, headers }, calls) {
    for (let i = 0; i < calls; i++)
      await rawJson(await fetch(`${url}/${env.BENCH_NUMBER}`, { headers }))
    return { calls }
  },
}

const CLIENTS = { ours, official, raw }

async function main(clientName, workload) {
  const client = CLIENTS[clientName]
  if (!client) throw new Error(`unknown client ${clientName}`)
  if (workload === 'cold') {
    await client.get(await client.make(), 1)
    return {}
  }
  const handle = await client.make()
  const started = performance.now()
  let result
  if (workload === 'sweep') result = await client.sweep(handle)
  else if (workload === 'add') result = await client.add(handle)
  else if (workload === 'get') result = await client.get(handle, Number(env.BENCH_CALLS ?? 2000))
  else throw new Error(`unknown workload ${workload}`)
  return { seconds: (performance.now() - started) / 1000, ...result }
}

console.log(JSON.stringify(await main(process.argv[2], process.argv[3])))
