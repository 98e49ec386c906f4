// The Node column of docs/parity.md: every name it lists exists on the loaded module and its
// instances, and every listed option is read, so a call or option missing from the binding
// fails here. Nothing is sent: the client points at a closed loopback port and only handles,
// pagers and argument conversion are touched (how a cell reads is explained in the table).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as telnyx from 'telnyx-reputation'
import * as testing from 'telnyx-reputation/testing'

const TABLE = fileURLToPath(new URL('../../../docs/parity.md', import.meta.url))
const BASE = { apiKey: 'KEY_parity', baseUrl: 'http://127.0.0.1:9/v2', maxRetries: 0 }
const PLACEHOLDERS = {
  '': [],
  id: ['4a6192a4-573d-446d-b3ce-aff9117272a6'],
  n: ['+12025550000'],
  '[]': [[]],
}
const SEGMENT = /^(?<name>[A-Za-z_$][\w$]*|\[Symbol\.asyncIterator\])(?:\((?<args>[^()]*)\))?$/
const OPTION = /^(?:(?<leading>[^{]*?),\s*)?\{\s*(?<option>\w+)\s*\}$/

/** `{ line, what, cell }` of every row with a Node name. */
function tableRows() {
  const rows = []
  let inTable = false
  readFileSync(TABLE, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const cells = line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim())
      if (!line.startsWith('|')) inTable = false
      else if (cells[0] === 'call or option')
        inTable = cells.slice(1, 4).join() === 'Rust,Python,Node'
      else if (inTable && !/^[|\-\s]+$/.test(line) && cells[3] !== '—')
        rows.push({ line: index + 1, what: cells[0], cell: cells[3].replace(/^`|`$/g, '') })
    })
  return rows
}

async function roots() {
  const client = new telnyx.Client(BASE)
  const err = await client
    .reputation('not-a-uuid')
    .settings()
    .then(
      () => assert.fail('an invalid id must reject'),
      (e) => e,
    )
  return { ...telnyx, testing, client, err }
}

/** `a.b(x).c` as `['a', 'b(x)', 'c']` (dots inside parentheses kept; `[Symbol.…]` its own). */
function splitPath(path) {
  const parts = []
  let depth = 0
  let current = ''
  for (const char of path) {
    if (char === '(') depth++
    if (char === ')') depth--
    if (
      depth === 0 &&
      (char === '.' || char === '[') &&
      current !== '' &&
      !current.startsWith('[')
    ) {
      parts.push(current)
      current = char === '[' ? '[' : ''
    } else current += char
  }
  return [...parts, current]
}

/** `null` when `call(options)` reads option `name`: a `Symbol` for it (a value no option
 * takes) must be refused, and refused differently from the same value under a name no call
 * knows (a binding may refuse unknown names too); the call without options must not throw. */
function readsOption(call, name) {
  const refusal = (options, masked) => {
    try {
      const result = call(options)
      if (typeof result?.then === 'function') result.catch(() => {})
      return null
    } catch (error) {
      return String(error?.message).replaceAll(masked, '<name>')
    }
  }
  const baseline = refusal({}, name)
  if (baseline !== null) return `fails even without ${name}: ${baseline}`
  const unknown = 'parityUnknownOption'
  const refused = refusal({ [name]: Symbol('parity') }, name)
  if (refused === null || refused === refusal({ [unknown]: Symbol('parity') }, unknown))
    return `does not read the option ${name}`
  return null
}

/** `null` when the cell resolves, else what is missing. */
function resolve(cell, found) {
  if (cell.startsWith('code ')) return null // ErrorKind::code(), checked by `cargo test -p xtask parity`
  const constructed = /^new (?<root>\w+)\(\{\s*(?<option>\w+)\s*\}\)$/.exec(cell)
  if (constructed) {
    const Class = found[constructed.groups.root]
    if (typeof Class !== 'function') return `unknown class ${constructed.groups.root}`
    return readsOption((options) => new Class({ ...BASE, ...options }), constructed.groups.option)
  }
  const segments = splitPath(cell)
  let value
  for (const [index, segment] of segments.entries()) {
    const match = SEGMENT.exec(segment)
    if (!match) return `cannot read segment ${segment}`
    const { name, args } = match.groups
    const key = name === '[Symbol.asyncIterator]' ? Symbol.asyncIterator : name
    const owner = value
    if (index === 0) {
      if (!(name in found)) return `unknown root ${name}`
      value = found[name]
    } else {
      if (value === null || value === undefined || !(key in Object(value)))
        return `${value?.constructor?.name ?? value} has no ${String(name)}`
      value = value[key]
    }
    if (args === undefined) continue
    const option = OPTION.exec(args)
    if (option) {
      if (index !== segments.length - 1) return `an option check must end the path: ${segment}`
      const leading = PLACEHOLDERS[option.groups.leading ?? '']
      if (!leading) return `unknown placeholder ${option.groups.leading}`
      const method = value
      return readsOption((options) => method.call(owner, ...leading, options), option.groups.option)
    }
    if (!(args in PLACEHOLDERS)) return `unknown placeholder ${args}`
    value = value.call(owner, ...PLACEHOLDERS[args])
  }
  return null
}

const rows = tableRows()

test('the table has rows', () => {
  assert.ok(rows.length > 100, `${rows.length} rows`)
})

for (const { line, what, cell } of rows) {
  test(`docs/parity.md:${line} ${cell}`, async () => {
    const problem = resolve(cell, await roots())
    assert.equal(problem, null, `docs/parity.md:${line} (${what}) \`${cell}\`: ${problem}`)
  })
}

test('a missing name or option is reported', async () => {
  const found = await roots()
  assert.equal(resolve('client.reputation(id).numbers.refreshAll', found), null)
  assert.match(
    resolve('client.reputation(id).numbers.refreshEverything', found),
    /no refreshEverything/,
  )
  assert.match(
    resolve('client.enterprises.list({ colour })', found),
    /does not read the option colour/,
  )
  assert.match(resolve('new Client({ retryForeverMs })', found), /does not read the option/)
})
