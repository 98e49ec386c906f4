// Shared test data and helpers: an enterprise body, the journal reader, a PDF check.

/** A complete `enterprises.create` body, as in the seed's quickstart. */
export function newEnterprise(legalName = 'Acme Plumbing LLC') {
  const address = {
    country: 'US',
    administrativeArea: 'IL',
    city: 'Chicago',
    postalCode: '60601',
    streetAddress: '100 Main St',
  }
  return {
    legalName,
    doingBusinessAs: 'Acme Plumbing',
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
  }
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
