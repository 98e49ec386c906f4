#!/usr/bin/env node
// `npx telnyx-reputation …`: runs the command line binary of this platform's
// `telnyx-reputation-cli-<platform>` package with the same arguments, stdio and exit code.
'use strict'

const { spawnSync } = require('node:child_process')
const { cliBinary } = require('./cli-binary.js')

const { path, why } = cliBinary()
if (path === null) {
  console.error(
    `telnyx-reputation: no command line binary for this platform (${why}); ` +
      'reinstall without --no-optional, or use `pip install telnyx-reputation-cli` / `cargo install telnyx-reputation-cli`',
  )
  process.exit(2)
}
const result = spawnSync(path, process.argv.slice(2), { stdio: 'inherit' })
if (result.error) {
  console.error(`telnyx-reputation: cannot run ${path}: ${result.error.message}`)
  process.exit(2)
}
if (result.signal) process.kill(process.pid, result.signal)
process.exit(result.status ?? 1)
