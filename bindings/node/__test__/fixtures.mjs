// Shared test data and helpers: an enterprise body, the journal reader, a PDF check.

import { readFileSync } from 'node:fs'

/** The approved-enterprise fixture scenario (terms, the shared example enterprise, LOA, daily
 * checks, both gates approved) for `loadFixtures`. */
export const APPROVED = new URL('../../fixtures/approved-enterprise.json', import.meta.url)

/**
 * The shared example enterprise (the Rust facade's `telnyx_reputation::examples::acme()`): one
 * JSON file read by the Rust, Python, Node and emulator suites, in the API's snake_case.
 */
const ACME = JSON.parse(
  readFileSync(
    new URL('../../../crates/telnyx-reputation/src/examples/acme-enterprise.json', import.meta.url),
    'utf8',
  ),
)

/** The keys of a wire object in the binding's camelCase, recursively. */
function camelCase(value) {
  if (Array.isArray(value)) return value.map(camelCase)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()),
      camelCase(v),
    ]),
  )
}

/** A complete `enterprises.create` body: the shared example under `legalName`. */
export function newEnterprise(legalName = 'Acme Plumbing LLC') {
  return { ...camelCase(ACME), legalName }
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
