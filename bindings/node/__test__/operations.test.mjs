// Every one of the 34 operations through the native client against the emulator binary.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startEmulator } from 'telnyx-reputation/testing'
import { approvedReputation, journal, newEnterprise } from './fixtures.mjs'

let emulator
/** The keys of a failed batch, in the order every result lists them. */
const FAILURE_KEYS = [
  'batchIndex',
  'numbers',
  'errorKind',
  'message',
  'status',
  'requestId',
  'apiErrors',
  'outcomeUnknown',
]
before(async () => {
  emulator = await startEmulator()
})
after(() => emulator.stop())

test('terms of service: agree, status, info, agreements list and get', async () => {
  const tos = emulator.client.termsOfService
  const agreement = await tos.agreeNumberReputation()
  assert.equal(agreement.productType, 'number_reputation')
  const status = await tos.status('number_reputation')
  assert.equal(status.hasAgreed, true)
  const info = await tos.info()
  assert.ok(info.some((i) => i.productType === 'number_reputation'))
  assert.equal((await tos.info('number_reputation')).length, 1)
  const page = await tos.agreements.list({ productType: 'number_reputation' }).firstPage()
  assert.deepEqual(
    page.items.map((a) => a.id),
    [agreement.id],
  )
  assert.equal(page.meta.totalResults, 1)
  assert.deepEqual(await tos.agreements.get(agreement.id), agreement)
})

test('enterprises: create, list, get, replace, delete', async () => {
  const enterprises = emulator.client.enterprises
  const created = await enterprises.create(newEnterprise('Enterprise CRUD LLC'))
  assert.equal(created.legalName, 'Enterprise CRUD LLC')
  assert.equal(created.organizationPhysicalAddress.extendedAddress, null)
  const listed = []
  for await (const e of enterprises.list({ legalNameContains: 'CRUD' })) listed.push(e.id)
  assert.deepEqual(listed, [created.id])
  assert.equal((await enterprises.get(created.id)).id, created.id)
  const replaced = await enterprises.replace(created.id, { doingBusinessAs: 'CRUD Co' })
  assert.equal(replaced.doingBusinessAs, 'CRUD Co')
  assert.equal(await enterprises.delete(created.id), undefined)
  await assert.rejects(enterprises.get(created.id), { code: 'NOT_FOUND', status: 404 })
})

test('reputation journey: LOA, upload, enable, gates, settings, numbers, remediation, verification', async () => {
  const client = emulator.client
  await client.termsOfService.agreeNumberReputation()
  const enterprise = await client.enterprises.create(newEnterprise('Journey LLC'))
  const rep = client.reputation(enterprise.id)
  assert.equal(rep.enterpriseId, enterprise.id)

  const pdf = await rep.loa.render()
  assert.ok(Buffer.isBuffer(pdf))
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-')
  const document = await client.documents.upload('loa.pdf', pdf)
  assert.equal(document.filename, 'loa.pdf')
  const asJson = await client.documents.uploadJson('loa.pdf', pdf)
  assert.equal(asJson.filename, 'loa.pdf')
  assert.notEqual(asJson.id, document.id)

  const enabled = await rep.enable(document.id, 'business_daily')
  assert.equal(enabled.loaDocumentId, document.id)
  const approved = await rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 })
  assert.equal(approved.status, 'approved')
  assert.equal(approved.loaStatus, 'approved')
  // The same result helpers as Python's properties.
  assert.equal(approved.readyForNumbers, true)
  assert.equal((await rep.settings()).enterpriseId, enterprise.id)
  assert.equal((await rep.setFrequency('weekly')).checkFrequency, 'weekly')
  assert.equal(
    (await rep.setWebhook('https://example.com/hooks')).webhookUrl,
    'https://example.com/hooks',
  )
  assert.equal((await rep.setWebhook(null)).webhookUrl, null)
  // A rejected LOA is what `loa.replace` is for.
  await emulator.admin('POST', '/gates', { enterprise_id: enterprise.id, loa_status: 'rejected' })
  await assert.rejects(rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 }), {
    code: 'GATE_REJECTED',
    gate: 'loa_status',
    reasons: [],
  })
  const second = await client.documents.upload('loa-v2.pdf', Buffer.from('%PDF-1.7 signed'))
  assert.equal((await rep.loa.replace(second.id)).loaDocumentId, second.id)
  await rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 })

  const numbers = rep.numbers
  const added = await numbers.add(['+12025551234', '+12025555678'])
  assert.deepEqual(
    added.map((n) => n.phoneNumber),
    ['+12025551234', '+12025555678'],
  )
  assert.equal(added[0].reputationData, null)
  const cached = await numbers.get('+12025551234')
  assert.ok(['low', 'medium', 'high'].includes(cached.reputationData.spamRisk))
  const fresh = await numbers.getFresh('+12025551234')
  assert.equal(fresh.phoneNumber, '+12025551234')
  const refreshed = await numbers.refresh(['+12025555678'])
  assert.equal(refreshed.totalRequested, 1)
  assert.equal(refreshed.results[0].phoneNumber, '+12025555678')
  const ownership = await numbers.ownership('+12025551234')
  assert.equal(ownership.phoneNumber, '+12025551234')
  assert.ok(Array.isArray(ownership.history))
  await emulator.admin('POST', '/numbers/ownership', {
    phone_number: '+12025551234',
    ownership_status: 'pending_confirmation',
  })
  const confirmed = await numbers.confirmOwnership('+12025551234', true)
  assert.equal(confirmed.ownershipStatus, 'verified')
  const listed = []
  for await (const n of numbers.list()) listed.push(n.phoneNumber)
  assert.deepEqual(listed.sort(), ['+12025551234', '+12025555678'])

  const remediation = await rep.remediation.submit(
    ['+12025551234'],
    'Appointment reminders for our patients',
    'ops@example.com',
    'https://example.com/hooks/remediation',
  )
  assert.equal(remediation.phoneNumbersCount, 1)
  assert.equal(remediation.contactEmail, 'ops@example.com')
  assert.equal(remediation.webhookUrl, 'https://example.com/hooks/remediation')
  assert.equal((await rep.remediation.get(remediation.id)).id, remediation.id)
  const finished = await rep.remediation.waitUntilFinished(remediation.id, {
    intervalMs: 10,
    timeoutMs: 5000,
  })
  assert.equal(finished.status, 'completed')
  assert.equal(Object.values(finished.results).flat().length, 1)
  const remediations = await rep.remediation.list({ pageSize: 10 }).firstPage()
  assert.deepEqual(
    remediations.items.map((r) => r.id),
    [remediation.id],
  )

  const evidence = await client.documents.upload('bill.pdf', Buffer.from('%PDF-1.7 carrier bill'))
  const verification = await rep.externalVerification.submit([evidence.id])
  assert.deepEqual(verification.documentIds, [evidence.id])
  assert.deepEqual((await rep.externalVerification.get()).documentIds, [evidence.id])

  const account = client.numbers
  const everywhere = await account.list({ enterpriseId: enterprise.id }).firstPage()
  assert.equal(everywhere.meta.totalResults, 2)
  assert.equal((await account.get('+12025555678')).enterpriseId, enterprise.id)
  assert.equal(await account.remove('+12025555678'), undefined)
  assert.equal(await numbers.remove('+12025551234'), undefined)
  assert.equal(await rep.disable(), undefined)
})

test('numbers.addAll: validated up front, batches of 100, a failed batch reported with its numbers', async () => {
  const client = emulator.client
  await client.termsOfService.agreeNumberReputation()
  const enterprise = await client.enterprises.create(newEnterprise('Bulk Add LLC'))
  const document = await client.documents.upload('loa.pdf', Buffer.from('%PDF-1.7 signed'))
  const rep = client.reputation(enterprise.id)
  await rep.enable(document.id, 'weekly')
  await rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 })
  const range = (first, count) =>
    Array.from({ length: count }, (_, i) => `+1303555${String(first + i).padStart(4, '0')}`)

  await assert.rejects(rep.numbers.addAll([...range(0, 120), '+13035550007']), {
    code: 'INVALID_INPUT',
    message: /phone_numbers\[120\]: \+13035550007 repeats phone_numbers\[7\]/,
  })
  await assert.rejects(rep.numbers.addAll(range(0, 2), { concurrency: 0 }), {
    code: 'INVALID_INPUT',
  })

  const report = await rep.numbers.addAll(range(0, 150))
  assert.deepEqual(report.failed, [])
  assert.equal(report.isComplete, true)
  assert.deepEqual(
    report.added.map((n) => n.phoneNumber),
    range(0, 150),
  )

  await emulator.admin('POST', '/faults', {
    status: 422,
    count: 1,
    method: 'POST',
    path_prefix: '/v2/enterprises',
  })
  const partial = await rep.numbers.addAll(range(150, 250), { concurrency: 1 })
  assert.equal(partial.failed.length, 1)
  assert.equal(partial.isComplete, false)
  const [failure] = partial.failed
  // Handed over as JSON text: the same keys, in the same order, as a result built field by field.
  assert.deepEqual(Object.keys(partial), ['added', 'failed', 'isComplete'])
  assert.deepEqual(Object.keys(failure), FAILURE_KEYS)
  assert.equal(failure.batchIndex, 0)
  assert.deepEqual(failure.numbers, range(150, 100))
  assert.equal(failure.errorKind, 'UNPROCESSABLE')
  assert.equal(failure.status, 422)
  assert.ok(Array.isArray(failure.apiErrors))
  assert.deepEqual(
    partial.added.map((n) => n.phoneNumber),
    range(250, 150),
  )
})

test('numbers.refreshAll: validated up front, batches of 100, a failed batch reported with its numbers', async () => {
  const client = emulator.client
  await client.termsOfService.agreeNumberReputation()
  const enterprise = await client.enterprises.create(newEnterprise('Bulk Refresh LLC'))
  const document = await client.documents.upload('loa.pdf', Buffer.from('%PDF-1.7 signed'))
  const rep = client.reputation(enterprise.id)
  await rep.enable(document.id, 'weekly')
  await rep.waitUntilApproved({ intervalMs: 10, timeoutMs: 5000 })
  const range = (first, count) =>
    Array.from({ length: count }, (_, i) => `+1720555${String(first + i).padStart(4, '0')}`)
  await rep.numbers.addAll(range(0, 250))

  await assert.rejects(rep.numbers.refreshAll([...range(0, 3), '+17205550001']), {
    code: 'INVALID_INPUT',
    message: /phone_numbers\[3\]: \+17205550001 repeats phone_numbers\[1\]/,
  })
  await assert.rejects(rep.numbers.refreshAll(range(0, 2), { concurrency: 17 }), {
    code: 'INVALID_INPUT',
  })

  const report = await rep.numbers.refreshAll(range(0, 150), { concurrency: 2 })
  assert.deepEqual(report.failed, [])
  assert.deepEqual(
    report.results.map((r) => r.phoneNumber),
    range(0, 150),
  )
  assert.ok(report.results.every((r) => r.success))

  await emulator.admin('POST', '/faults', {
    status: 422,
    count: 1,
    method: 'POST',
    path_prefix: '/v2/enterprises',
  })
  const partial = await rep.numbers.refreshAll(range(0, 250), { concurrency: 1 })
  assert.equal(partial.failed.length, 1)
  const [failure] = partial.failed
  assert.deepEqual(Object.keys(failure), FAILURE_KEYS)
  assert.equal(failure.batchIndex, 0)
  assert.deepEqual(failure.numbers, range(0, 100))
  assert.equal(failure.errorKind, 'UNPROCESSABLE')
  assert.deepEqual(
    partial.results.map((r) => r.phoneNumber),
    range(100, 150),
  )
})

test('remediation.watch: each status change once, ending after a final one; nothing sent before', async () => {
  const client = emulator.client
  const { rep } = await approvedReputation(client, 'Watch LLC')
  await rep.numbers.add(['+13125550100', '+13125550101'])
  const submitted = await rep.remediation.submit(['+13125550100', '+13125550101'], 'Reminders')
  const sent = (await journal(emulator)).length
  const watch = rep.remediation.watch(submitted.id, { intervalMs: 10, timeoutMs: 5000 })
  assert.equal((await journal(emulator)).length, sent)
  const seen = []
  for await (const snapshot of watch) {
    assert.equal(snapshot.id, submitted.id)
    seen.push(snapshot.status)
  }
  assert.equal(seen.at(-1), 'completed')
  assert.ok(
    seen.every((status, i) => i === 0 || status !== seen[i - 1]),
    String(seen),
  )
  assert.deepEqual(await watch.next(), { done: true })
  const unknown = rep.remediation.watch('00000000-0000-4000-8000-000000000000', { intervalMs: 10 })
  await assert.rejects(unknown.next(), { code: 'NOT_FOUND' })
})
