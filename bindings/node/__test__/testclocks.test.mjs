// Per-account test clocks, triggers and fixture scenarios through `telnyx-reputation/testing`:
// each account's clock moves alone, a trigger changes what the client reads, and a scenario
// loads every step or none.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, EmulatorAccount } from 'telnyx-reputation/testing'

const DAY_MS = 86_400_000

let emulator
before(async () => {
  emulator = await startEmulator()
})
after(() => emulator.stop())

const numbers = (first, count) =>
  Array.from({ length: count }, (_, i) => `+1202555${String(first + i).padStart(4, '0')}`)

/** A fixture reference, `${name:path}`: the value at `path` of step `name`'s response. */
const ref = (name, path) => `$${'{'}${name}:${path}}`

/** The example enterprise the suites share: terms, enterprise, LOA, daily checks, approved. */
const APPROVED = new URL('../../fixtures/approved-enterprise.json', import.meta.url)

/** The shared approved enterprise with `count` numbers added. */
function approvedScenario(count) {
  const scenario = JSON.parse(readFileSync(APPROVED, 'utf8'))
  scenario.fixtures.push({
    path: `/v2/enterprises/${ref('acme', 'data.id')}/reputation/numbers`,
    params: { phone_numbers: numbers(500, count) },
  })
  return scenario
}

/** An approved enterprise with `count` numbers, as a YAML fixture file would say it. */
function yamlScenario(legalName, count) {
  const phones = numbers(600, count).map((n) => `'${n}'`)
  return `# An approved enterprise with its numbers.
fixtures:
  - path: /v2/terms_of_service/number_reputation/agree
  - name: acme
    path: /v2/enterprises
    params:
      legal_name: ${legalName}
      doing_business_as: Acme Plumbing
      organization_type: commercial
      organization_legal_type: llc
      country_code: US
      jurisdiction_of_incorporation: Delaware
      website: https://acmeplumbing.example.com
      fein: 12-3456789
      industry: technology
      number_of_employees: 51-200
      organization_contact: {first_name: Sam, last_name: Owner, email: sam@example.com, job_title: Compliance Lead, phone_number: '+13125550000'}
      billing_contact: {first_name: Alex, last_name: Bill, email: bill@example.com, phone_number: '+13125550001'}
      organization_physical_address: &office {country: US, administrative_area: IL, city: Chicago, postal_code: '60601', street_address: 100 Main St}
      billing_address: *office
  - name: loa
    path: /v2/documents
    params: {file: JVBERi0xLjcgc2lnbmVk, filename: loa.pdf}
  - path: /v2/enterprises/${ref('acme', 'data.id')}/reputation
    params: {loa_document_id: '${ref('loa', 'data.id')}', check_frequency: daily}
  - path: /_emulator/gates
    params: {enterprise_id: '${ref('acme', 'data.id')}', status: approved, loa_status: approved}
  - path: /v2/enterprises/${ref('acme', 'data.id')}/reputation/numbers
    params: {phone_numbers: [${phones.join(', ')}]}
`
}

const ledger = async (apiKey) => (await emulator.admin('GET', '/ledger', undefined, apiKey)).data

test('advance moves only its own account clock and schedule', async () => {
  const alice = emulator.account()
  const bob = emulator.account()
  await alice.loadFixtures(approvedScenario(2))
  await bob.loadFixtures(approvedScenario(2))
  const before = await bob.now()
  const moved = await alice.advance({ days: 30 })
  assert.ok(moved - before >= 30 * DAY_MS, `alice moved 30 days: ${moved.toISOString()}`)
  assert.ok((await alice.now()) - before >= 30 * DAY_MS)
  assert.ok((await bob.now()) - before < DAY_MS, 'bob keeps his clock')
  assert.ok((await ledger(alice.apiKey)).scheduled_refresh >= 30)
  assert.equal((await ledger(bob.apiKey)).scheduled_refresh, 0)
})

test('trigger fires an event the client then reads', async () => {
  const account = emulator.account()
  const made = await account.loadFixtures(approvedScenario(1))
  const id = made.acme.data.id
  const [number] = numbers(500, 1)
  const flagged = await account.trigger('number.flagged', { phone_number: number })
  assert.equal(flagged.ownership_status, 'pending_confirmation')
  const record = await account.client.reputation(id).numbers.get(number)
  assert.equal(record.ownershipStatus, 'pending_confirmation')
  await account.advance({ days: 8 })
  await assert.rejects(account.client.reputation(id).numbers.get(number), /not|404/i)
  await assert.rejects(account.trigger('number.exploded', { phone_number: number }), /\/event/)
})

test('a refused scenario names the step and field and applies nothing', async () => {
  const account = new EmulatorAccount(emulator.adminUrl, `node-${Date.now()}`)
  const scenario = approvedScenario(1)
  delete scenario.fixtures[1].params.legal_name
  await assert.rejects(account.loadFixtures(scenario), /\/fixtures\/1\/params\/legal_name/)
  const { client } = emulator.account(account.apiKey)
  const status = await client.termsOfService.status('number_reputation')
  assert.equal(status.hasAgreed, false)
})

test('loadFixtures reads a YAML file, and a refused one names step and field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixtures-'))
  try {
    const account = emulator.account()
    const good = join(dir, 'scenario.yaml')
    writeFileSync(good, yamlScenario('Yaml Node LLC', 2))
    const made = await account.loadFixtures(good)
    const id = made.acme.data.id
    assert.equal((await account.client.enterprises.get(id)).legalName, 'Yaml Node LLC')
    assert.equal((await account.client.reputation(id).settings()).status, 'approved')
    const listed = []
    for await (const n of account.client.reputation(id).numbers.list()) listed.push(n.phoneNumber)
    assert.deepEqual(listed.sort(), numbers(600, 2))

    const other = emulator.account()
    const bad = join(dir, 'bad.yml')
    writeFileSync(bad, yamlScenario('Unused LLC', 1).replace('      legal_name: Unused LLC\n', ''))
    await assert.rejects(
      other.loadFixtures(new URL(`file://${bad}`)),
      /\/fixtures\/1\/params\/legal_name/,
    )
    writeFileSync(bad, 'fixtures:\n  - path: [unclosed\n')
    await assert.rejects(other.loadFixtures(bad), /400.*YAML/)
    assert.equal((await other.client.termsOfService.status('number_reputation')).hasAgreed, false)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
