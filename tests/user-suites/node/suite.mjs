// What each file of the user suite shares: the onboarding a user's test would write, and
// the tests themselves (each file defines a few, so `--test-concurrency=4` runs files side by
// side, each with its own emulator process and one account per test).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startEmulator } from 'telnyx-reputation/testing'

const address = {
  streetAddress: '100 Main St',
  city: 'Chicago',
  administrativeArea: 'IL',
  postalCode: '60601',
  country: 'US',
}

export async function onboard(client, legalName) {
  await client.termsOfService.agreeNumberReputation()
  const enterprise = await client.enterprises.create({
    legalName,
    doingBusinessAs: legalName,
    organizationType: 'commercial',
    organizationLegalType: 'llc',
    countryCode: 'US',
    jurisdictionOfIncorporation: 'Delaware',
    website: 'https://acmeplumbing.example.com',
    fein: '12-3456789',
    industry: 'technology',
    numberOfEmployees: '51-200',
    organizationContact: {
      firstName: 'Sam',
      lastName: 'Owner',
      email: 'sam@acmeplumbing.example.com',
      jobTitle: 'Compliance Lead',
      phoneNumber: '+13125550000',
    },
    billingContact: {
      firstName: 'Alex',
      lastName: 'Bill',
      email: 'billing@acmeplumbing.example.com',
      phoneNumber: '+13125550001',
    },
    organizationPhysicalAddress: address,
    billingAddress: address,
  })
  const rep = client.reputation(enterprise.id)
  const document = await client.documents.upload('signed-loa.pdf', await rep.loa.render())
  await rep.enable(document.id, 'business_daily')
  await rep.waitUntilApproved({ intervalMs: 20, timeoutMs: 30000 })
  return enterprise.id
}

/** Define `count` tests, numbered from `first`, on an emulator of this file. */
export function fleetTests(first, count) {
  let emulator
  before(async () => {
    emulator = await startEmulator()
  })
  after(async () => {
    await emulator?.stop()
  })

  for (let n = first; n < first + count; n++) {
    test(`fleet ${n} sees only its own account`, async () => {
      const { apiKey, client } = emulator.account()
      const enterpriseId = await onboard(client, `Fleet ${n} LLC`)
      const numbers = [0, 1, 2, 3, 4].map((i) => `+1202555${String(n).padStart(2, '0')}0${i}`)
      const rep = client.reputation(enterpriseId)
      await rep.numbers.add(numbers)
      await rep.numbers.refresh(numbers)
      const listed = []
      for await (const number of rep.numbers.list({ pageSize: 250 }))
        listed.push(number.phoneNumber)
      assert.deepEqual(listed.sort(), numbers)
      const enterprises = []
      for await (const e of client.enterprises.list()) enterprises.push(e.id)
      assert.deepEqual(enterprises, [enterpriseId])
      const ledger = await emulator.admin('GET', '/ledger', undefined, apiKey)
      assert.equal(ledger.data.numbers_added, 5)
    })
  }
}
