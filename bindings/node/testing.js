// Test helper shipped as `telnyx-reputation/testing`: runs the local emulator binary on a
// free loopback port and hands back a client for a fresh account. Plain process handling
// only; every API call still goes through the native client.
'use strict'

const { spawn } = require('node:child_process')
const { randomUUID } = require('node:crypto')
const { readFile } = require('node:fs/promises')
const { createInterface } = require('node:readline')
const { cliBinary } = require('./cli-binary.js')
const { Client } = require('./index.js')

const BIN_ENV = 'TELNYX_REPUTATION_EMULATOR_BIN'
const DEFAULT_BIN = 'telnyx-reputation-emulator'

/** Read the emulator's `listening on <url>` line, or fail with what it printed instead. */
function readBaseUrl(child, bin) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout })
    const fail = (why) => {
      lines.close()
      reject(
        new Error(
          `cannot start the emulator (${bin}): ${why}; set ${BIN_ENV} to its path, or install telnyx-reputation with its optional dependencies (the telnyx-reputation-cli-<platform> package)`,
        ),
      )
    }
    child.once('error', (e) => fail(e.message))
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`))
    lines.once('line', (line) => {
      child.removeAllListeners('exit')
      child.removeAllListeners('error')
      const match = /^listening on (\S+)$/.exec(line.trim())
      if (match) {
        // Keep draining stdout so the emulator never blocks on a full pipe.
        child.stdout.resume()
        resolve(match[1])
      } else {
        fail(`unexpected first line ${JSON.stringify(line)}`)
      }
    })
  })
}

/** Seconds in `{ days, hours, minutes, seconds }` (each optional, not negative in total). */
function seconds({ days = 0, hours = 0, minutes = 0, seconds = 0 } = {}) {
  const total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds
  if (!Number.isFinite(total) || total < 0) {
    throw new RangeError('advance moves the clock forward by a finite amount only')
  }
  return total
}

/**
 * One account's side of the admin API: its test clock, triggers and fixtures.
 * Every call names the account with `?api_key=`, so clock calls move this account only.
 */
class EmulatorAccount {
  /**
   * @param {string} adminUrl the admin API root, e.g. `http://127.0.0.1:40123/_emulator`
   * @param {string} apiKey the account's API key
   */
  constructor(adminUrl, apiKey) {
    this.adminUrl = adminUrl
    this.apiKey = apiKey
  }

  /** Call an admin endpoint for this account; resolves to the parsed JSON (or null). */
  async admin(method, path, body) {
    const text = body === undefined ? undefined : JSON.stringify(body)
    return this.#send(method, path, text, 'application/json')
  }

  async #send(method, path, body, contentType) {
    const joiner = path.includes('?') ? '&' : '?'
    const url = `${this.adminUrl}${path}${joiner}api_key=${encodeURIComponent(this.apiKey)}`
    const response = await fetch(url, { method, headers: { 'content-type': contentType }, body })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} /_emulator${path}: ${response.status} ${text}`)
    return text ? JSON.parse(text) : null
  }

  /** This account's time on its test clock. */
  async now() {
    return new Date((await this.admin('GET', '/health')).now)
  }

  /** Move this account's clock forward (others keep theirs); resolves to its new time. */
  async advance(by) {
    const moved = await this.admin('POST', '/clock/advance', { seconds: seconds(by) })
    return new Date(moved.data.now)
  }

  /** Fire `event` as if it happened by itself (webhook included); resolves to what changed. */
  async trigger(event, params = {}) {
    const fired = await this.admin('POST', '/trigger', { ...params, event })
    return fired.data.result
  }

  /**
   * Run a fixture scenario as this account, every step or none; resolves to the named steps'
   * responses. `scenario` is an object, or the path (or file URL) of a JSON file, or of a YAML
   * file ending `.yaml`/`.yml` (the emulator reads it: no YAML library needed here).
   */
  async loadFixtures(scenario) {
    if (typeof scenario !== 'string' && !(scenario instanceof URL)) {
      return (await this.admin('POST', '/fixtures', scenario)).data.steps
    }
    const name = scenario instanceof URL ? scenario.pathname : scenario
    const yaml = /\.ya?ml$/i.test(name)
    const text = await readFile(scenario, 'utf8')
    const type = yaml ? 'application/yaml' : 'application/json'
    return (await this.#send('POST', '/fixtures', text, type)).data.steps
  }
}

/**
 * The emulator to run: `bin`, else `$TELNYX_REPUTATION_EMULATOR_BIN`, else the installed
 * command line package's binary (`telnyx-reputation emulator`, from
 * `telnyx-reputation-cli-<platform>`), else `telnyx-reputation-emulator` on PATH.
 * @param {string | undefined} bin
 * @returns {{ bin: string, prefix: string[] }}
 */
function emulatorCommand(bin) {
  const chosen = bin ?? process.env[BIN_ENV]
  if (chosen) return { bin: chosen, prefix: [] }
  const installed = cliBinary().path
  if (installed !== null) return { bin: installed, prefix: ['emulator'] }
  return { bin: DEFAULT_BIN, prefix: [] }
}

/**
 * Start the emulator and return a client for a fresh account on it.
 * @param {import('./testing').StartOptions} [options]
 * @returns {Promise<import('./testing').Emulator>}
 */
async function startEmulator(options = {}) {
  const { bin, prefix } = emulatorCommand(options.bin)
  const args = [
    ...prefix,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--approval-delay',
    options.approvalDelay ?? '0s',
  ]
  if (options.seed !== undefined) args.push('--seed', String(options.seed))
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  const baseUrl = await readBaseUrl(child, bin)
  const adminUrl = baseUrl.replace(/\/v2\/?$/, '/_emulator')
  const clientOptions = options.client ?? {}
  const account = (apiKey = `test-${randomUUID()}`) => {
    const helpers = new EmulatorAccount(adminUrl, apiKey)
    return {
      apiKey,
      client: new Client({ ...clientOptions, apiKey, baseUrl }),
      now: () => helpers.now(),
      advance: (by) => helpers.advance(by),
      trigger: (event, params) => helpers.trigger(event, params),
      loadFixtures: (scenario) => helpers.loadFixtures(scenario),
    }
  }
  const first = account(options.apiKey)
  const { apiKey, client } = first

  /** Call the emulator's admin API for this account; resolves to the parsed JSON (or null). */
  async function admin(method, path, body, key = apiKey) {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
    return text ? JSON.parse(text) : null
  }

  async function stop() {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }

  return {
    client,
    baseUrl,
    apiKey,
    adminUrl,
    account,
    admin,
    now: first.now,
    advance: first.advance,
    trigger: first.trigger,
    loadFixtures: first.loadFixtures,
    stop,
  }
}

module.exports = { startEmulator, EmulatorAccount }
