// What each file of the user suite shares: the onboarding (a fixture file), and
// the tests themselves (each file defines a few, so `--test-concurrency=4` runs files side by
// side, each with its own emulator process and one account per test).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startEmulator } from 'telnyx-reputation/testing'

/** The onboarding every test needs (terms, enterprise, LOA, checks, both gates approved): one
 * fixture file, loaded into the test's own account. Resolves to the enterprise id. */
export async function onboard(account) {
  const made = await account.loadFixtures(new URL('./approved-enterprise.json', import.meta.url))
  return made.acme.data.id
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
      const account = emulator.account()
      const { apiKey, client } = account
      const enterpriseId = await onboard(account)
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
