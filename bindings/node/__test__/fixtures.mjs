// Shared test data and helpers: an enterprise body, the journal reader, a PDF check.

import { readFileSync } from 'node:fs'

/** The example enterprise the suites share: a fixture scenario (terms, enterprise, LOA, daily
 * checks, both gates approved) for `loadFixtures`. */
export const APPROVED = new URL('../../fixtures/approved-enterprise.json', import.meta.url)

const camel = (value) =>
  value && typeof value === 'object'
    ? Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k.replace(/_(\w)/g, (_, c) => c.toUpperCase()),
          camel(v),
        ]),
      )
    : value

/** A complete `enterprises.create` body: the shared example enterprise, as the client takes it. */
export function newEnterprise(legalName = 'Acme Plumbing LLC') {
  const { params } = JSON.parse(readFileSync(APPROVED, 'utf8')).fixtures[1]
  return { ...camel(params), legalName }
}

/** The API requests the emulator recorded for the emulator's account. */
export async function journal(emulator, apiKey = emulator.apiKey) {
  const body = await emulator.admin('GET', '/requests', undefined, apiKey)
  return body.data
}

/** Agree, create, upload the LOA, enable and wait: an enterprise ready for numbers. */
export async function approvedReputation(client, legalName) {
  await client.termsOfService.agreeNumberReputation()
  const enterprise = await client.enterprises.create(newEnterprise(legalName))
  const rep = client.reputation(enterprise.id)
  const pdf = await rep.loa.render()
  const document = await client.documents.upload('loa.pdf', pdf)
  await rep.enable(document.id, 'business_daily')
  await rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 })
  return { enterprise, rep, document }
}
