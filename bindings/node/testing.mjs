// ESM entry of `telnyx-reputation/testing`; the implementation is testing.js.
export { startEmulator } from './testing.js'
