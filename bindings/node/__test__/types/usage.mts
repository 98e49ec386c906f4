// Compiled (never run) with `tsc --strict`: the public surface as a user types against it.
import type { IncomingMessage } from 'node:http'
import {
  APIStatusError,
  Client,
  type ErrorCode,
  InvalidInputError,
  NotFoundError,
  PRICES,
  TelnyxReputationError,
  type Amount,
  type Price,
  webhooks,
  type BulkRefreshReport,
  type Enterprise,
  type NumberPage,
  type RawResponse,
  type Remediation,
  type ReputationNumber,
  type WebhookEvent,
} from 'telnyx-reputation'
import { startEmulator, type Emulator } from 'telnyx-reputation/testing'
import type { FixtureScenario } from 'telnyx-reputation/testing'

/** Money: budgets in units and dollars, prices, and usage in dollars (exact strings). */
function money(): string {
  const client = new Client({
    maxBillable: 500,
    maxSpend: '25.00',
    prices: { live_lookups: '0.08', numbers_added: { usd: 0.01, source: 'contract' } },
  })
  const published: ReadonlyArray<Price> = PRICES
  const unknown: string[] = client.prices.filter((p) => p.usd === null).map((p) => p.item)
  const usage = client.usage()
  const total: Amount = usage.usd
  const lookups: string | null = usage.actions.live_lookups?.usd ?? null
  const left: string | null = client.remainingSpend
  const budget: string | null = client.maxSpend
  return [
    published.length,
    unknown,
    total.usd,
    total.exact,
    usage.totalUnits,
    lookups,
    left,
    budget,
  ].join()
}

async function journey(client: Client): Promise<string[]> {
  const agreement = await client.termsOfService.agreeNumberReputation()
  const status = await client.termsOfService.status('number_reputation')
  const enterprise = await client.enterprises.create({
    legalName: 'Typed LLC',
    doingBusinessAs: 'Typed',
    organizationType: 'commercial',
    organizationLegalType: 'llc',
    countryCode: 'US',
    jurisdictionOfIncorporation: 'Delaware',
    website: 'https://typed.example.com',
    fein: '12-3456789',
    industry: 'technology',
    numberOfEmployees: '51-200',
    organizationContact: {
      firstName: 'A',
      lastName: 'B',
      email: 'a@b.c',
      jobTitle: 'C',
      phoneNumber: '+13125550000',
    },
    billingContact: { firstName: 'A', lastName: 'B', email: 'a@b.c', phoneNumber: '+13125550001' },
    organizationPhysicalAddress: {
      streetAddress: '1 Main',
      city: 'X',
      administrativeArea: 'IL',
      postalCode: '1',
      country: 'US',
    },
    billingAddress: {
      streetAddress: '1 Main',
      city: 'X',
      administrativeArea: 'IL',
      postalCode: '1',
      country: 'US',
    },
  })
  const rep = client.reputation(enterprise.id)
  const pdf: Buffer = await rep.loa.render({ signature: { imageBase64: 'aGk=' } })
  const document = await client.documents.upload('loa.pdf', pdf)
  const settings = await rep.enable(document.id, 'daily')
  const webhookCleared: string | null = (await rep.setWebhook(null)).webhookUrl
  await rep.waitUntilApproved({ intervalMs: 100, timeoutMs: 1000 })
  const added: ReputationNumber[] = await rep.numbers.add(['+12025551234'])
  const page = await rep.numbers.list({ pageSize: 250 }).firstPage()
  const total: number = page.meta.totalResults
  const third: NumberPage = await rep.numbers.list({ pageSize: 250 }).fetchPage(3)
  for await (const each of rep.numbers.list().pages()) {
    const items: ReputationNumber[] = each.items
    void [items, each.meta.pageNumber]
  }
  const risks: string[] = []
  for await (const n of rep.numbers.list()) {
    const score: number | null | undefined = n.reputationData?.maturityScore
    risks.push(`${n.phoneNumber} ${n.reputationData?.spamRisk ?? 'unknown'} ${score}`)
  }
  const refreshed: BulkRefreshReport = await rep.numbers.refreshAll(['+12025551234'], {
    concurrency: 2,
  })
  const submitted = await rep.remediation.submit(['+12025551234'], 'Reminders', 'a@b.c')
  const statuses: string[] = []
  for await (const snapshot of rep.remediation.watch(submitted.id, { intervalMs: 100 })) {
    const current: Remediation = snapshot
    statuses.push(current.status)
  }
  const removed: void = await rep.numbers.remove('+12025551234')
  void [
    agreement.id,
    status.hasAgreed,
    settings.loaStatus,
    webhookCleared,
    added,
    total,
    third,
    removed,
  ]
  void [refreshed.failed.length, statuses]
  return risks
}

/** A webhook handler: `req.headers` (IncomingHttpHeaders) goes to `verify` as it is. */
function onWebhook(req: IncomingMessage, rawBody: Buffer, publicKey: string): WebhookEvent {
  return webhooks.verify(rawBody, req.headers, publicKey)
}

function testDelivery(body: string): Record<string, string> {
  const signingKey = Buffer.alloc(32, 1).toString('base64')
  const headers: Record<string, string> = webhooks.sign(body, 1_780_000_000, signingKey)
  const key: string = webhooks.publicKey(signingKey)
  void key
  return headers
}

function describe(event: WebhookEvent): string {
  switch (event.type) {
    case 'number_flagged':
      return `${event.phoneNumber} flagged (${event.flagReason}), confirm by ${event.confirmBy}`
    case 'number_removed':
      return `${event.phoneNumber} removed: ${event.removalReason}`
    case 'external_verification_status_changed':
      return `verification ${event.status}`
    case 'remediation_status_changed': {
      const request: Remediation = event.remediation
      return `remediation ${request.id} of ${event.enterpriseId}: ${request.status}`
    }
    case 'unknown':
      return JSON.stringify(event.payload)
  }
}

async function errors(client: Client): Promise<ErrorCode | undefined> {
  try {
    await client.enterprises.get('nope')
  } catch (e) {
    // `instanceof` narrows to the class: its `code` is the literal, the fields are typed.
    if (e instanceof NotFoundError) {
      const code: 'NOT_FOUND' = e.code
      const status: number = e.status
      void status
      return code === 'NOT_FOUND' ? undefined : code
    }
    if (e instanceof InvalidInputError) {
      const pointers: Array<string | null | undefined> = e.errors.map((entry) => entry.pointer)
      void pointers
      return e.code
    }
    if (e instanceof APIStatusError) return e.code
    if (e instanceof TelnyxReputationError) {
      const message: string = e.message
      void message
      return e.code
    }
    throw e
  }
  return undefined
}

/** Enum inputs are string-literal unions: a typo does not compile (and fails at run time). */
async function enumInputs(client: Client, id: string): Promise<void> {
  const rep = client.reputation(id)
  await rep.setFrequency('weekly')
  // @ts-expect-error 'hourly' is not a check frequency
  await rep.setFrequency('hourly')
  // @ts-expect-error 'chess' is not a product
  await client.termsOfService.status('chess')
  // @ts-expect-error 'lost' is not an ownership status
  rep.numbers.list({ ownershipStatus: 'lost' })
  // @ts-expect-error 'bpo2' is not a role
  client.enterprises.list({ roleType: 'bpo2' })
  // @ts-expect-error 'done' is not a remediation status
  rep.remediation.list({ status: 'done' })
  rep.remediation.list({ status: 'completed' })
}

/** Escape hatches: raw answers are typed `RawResponse<T>`; extras are the last argument. */
async function escapeHatches(client: Client, id: string): Promise<string | null> {
  const raw: RawResponse<Enterprise> = await client.enterprises.withRawResponse.get(id)
  const status: number = raw.response.status
  const headers: Record<string, string> = raw.response.headers
  const pdf: RawResponse<Buffer> = await client.reputation(id).withRawResponse.loa.render()
  const added: RawResponse<ReputationNumber[]> = await client
    .reputation(id)
    .withRawResponse.numbers.add(['+12025550100'], { extraHeaders: { 'X-Trace-Id': 't' } })
  // @ts-expect-error a raw call resolves to `{ data, response }`, not the value
  const legalName: string = (await client.enterprises.withRawResponse.get(id)).legalName
  await client.enterprises.get(id, {
    extraHeaders: { 'X-Trace-Id': 'abc' },
    extraQuery: { beta_view: 'full' },
    extraBody: { future: true },
  })
  // @ts-expect-error header values are strings
  await client.enterprises.get(id, { extraHeaders: { 'X-Count': 1 } })
  client.enterprises.list({ pageSize: 10 }, { extraQuery: { beta_view: 'full' } })
  void [status, headers, pdf, added, legalName]
  return raw.response.requestId ?? null
}

/** Test clocks, triggers and fixtures of one account, typed. */
async function timeTravel(emulator: Emulator): Promise<Date> {
  const scenario: FixtureScenario = {
    fixtures: [{ path: '/v2/terms_of_service/number_reputation/agree' }],
  }
  const made: Record<string, unknown> = await emulator.loadFixtures(scenario)
  void made
  const other = emulator.account()
  await other.trigger('gate.approved', { enterprise_id: 'id', gate: 'status' }).catch(() => null)
  const later: Date = await emulator.advance({ days: 7 })
  return later
}

export async function main(): Promise<void> {
  const emulator: Emulator = await startEmulator({ approvalDelay: '0s', client: { maxRetries: 0 } })
  try {
    await journey(emulator.client)
    await errors(
      new Client({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, timeoutMs: 5000 }),
    )
    void enumInputs
    void escapeHatches
    void money
    void timeTravel
    const event = webhooks.verify(Buffer.from('{}'), { 'telnyx-timestamp': '0' }, 'key')
    console.log(describe(event), onWebhook, testDelivery('{}'))
  } finally {
    await emulator.stop()
  }
}
