// Compiled (never run) with `tsc --strict`: the public surface as a user types against it.
import {
  Client,
  webhooks,
  type NumberPage,
  type ReputationNumber,
  type WebhookEvent,
} from 'telnyx-reputation'
import { startEmulator, type Emulator } from 'telnyx-reputation/testing'

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
  return risks
}

function describe(event: WebhookEvent): string {
  switch (event.type) {
    case 'number_flagged':
      return `${event.phoneNumber} flagged (${event.flagReason}), confirm by ${event.confirmBy}`
    case 'number_removed':
      return `${event.phoneNumber} removed: ${event.removalReason}`
    case 'external_verification_status_changed':
      return `verification ${event.status}`
    case 'unknown':
      return JSON.stringify(event.payload)
  }
}

async function errors(client: Client): Promise<void> {
  try {
    await client.enterprises.get('nope')
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'INVALID_INPUT') return
    throw e
  }
}

export async function main(): Promise<void> {
  const emulator: Emulator = await startEmulator({ approvalDelay: '0s', client: { maxRetries: 0 } })
  try {
    await journey(emulator.client)
    await errors(
      new Client({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, timeoutMs: 5000 }),
    )
    const event = webhooks.verify(Buffer.from('{}'), { 'telnyx-timestamp': '0' }, 'key')
    console.log(describe(event))
  } finally {
    await emulator.stop()
  }
}
