// Test helper shipped as `telnyx-reputation/testing`: runs the local emulator binary on a
// free loopback port and hands back a client for a fresh account. Plain process handling
// only; every API call still goes through the native client.
'use strict'

const { spawn } = require('node:child_process')
const { randomUUID } = require('node:crypto')
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
  const account = (apiKey = `test-${randomUUID()}`) => ({
    apiKey,
    client: new Client({ ...clientOptions, apiKey, baseUrl }),
  })
  const { apiKey, client } = account(options.apiKey)

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

  return { client, baseUrl, apiKey, adminUrl, account, admin, stop }
}

module.exports = { startEmulator }
