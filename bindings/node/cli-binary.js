// Where the `telnyx-reputation` command line binary is: the per-platform package
// `telnyx-reputation-cli-<platform>` (an optional dependency of this package, as the native
// addon's platform packages are). Used by `npx telnyx-reputation` (cli.js) and by
// `telnyx-reputation/testing`, which runs the emulator as `telnyx-reputation emulator`.
'use strict'

const { existsSync, readFileSync } = require('node:fs')
const { join } = require('node:path')

/** Whether this Linux runs on musl rather than glibc. */
function isMusl() {
  try {
    if (readFileSync('/usr/bin/ldd', 'utf8').includes('musl')) return true
  } catch {}
  const header = process.report?.getReport?.()?.header
  return !header?.glibcVersionRuntime
}

/** The platform suffix of the packages, e.g. `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`. */
function platform() {
  const { platform: os, arch } = process
  if (os === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`
  if (os === 'win32') return `win32-${arch}-msvc`
  return `${os}-${arch}`
}

/**
 * The absolute path of the installed binary, or null when no platform package is installed
 * (`why` then says which package was looked for).
 * @returns {{ path: string | null, why: string }}
 */
function cliBinary() {
  const name = `telnyx-reputation-cli-${platform()}`
  const file = process.platform === 'win32' ? 'telnyx-reputation.exe' : 'telnyx-reputation'
  let root
  try {
    root = join(require.resolve(`${name}/package.json`), '..')
  } catch {
    return { path: null, why: `the package ${name} is not installed` }
  }
  const path = join(root, 'bin', file)
  if (!existsSync(path)) return { path: null, why: `${path} is missing from ${name}` }
  return { path, why: `from ${name}` }
}

module.exports = { cliBinary, platform }
