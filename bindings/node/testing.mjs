// ESM entry of `telnyx-reputation/testing`; the implementation is testing.js.
export { startEmulator, EmulatorAccount } from './testing.js'
