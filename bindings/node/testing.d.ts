// Types of `telnyx-reputation/testing` (hand-written: testing.js is plain JavaScript).
import type { Client, ClientOptions } from './index'

/** Options of {@link startEmulator}. */
export interface StartOptions {
  /**
   * Emulator binary; default `$TELNYX_REPUTATION_EMULATOR_BIN`, else the `telnyx-reputation`
   * binary of the installed `telnyx-reputation-cli-<platform>` package (run as
   * `telnyx-reputation emulator`), else `telnyx-reputation-emulator` on PATH.
   */
  bin?: string
  /** `--approval-delay` of the emulator (`0s`, `500ms`, `2s`, `manual`); default `0s`. */
  approvalDelay?: string
  /** `--seed` of the emulator (deterministic scores and ids). */
  seed?: number
  /** API key of the first account; default a fresh random one. */
  apiKey?: string
  /** Other client options (timeouts, retries); `apiKey` and `baseUrl` are set by the helper. */
  client?: Omit<ClientOptions, 'apiKey' | 'baseUrl'>
}

/** A running emulator and a client for one fresh account on it. */
export interface Emulator {
  /** Client for the account `apiKey`, pointed at the emulator. */
  client: Client
  /** API base URL, e.g. `http://127.0.0.1:40123/v2`. */
  baseUrl: string
  /** API key (= account) of `client`. */
  apiKey: string
  /** Admin API root, e.g. `http://127.0.0.1:40123/_emulator`. */
  adminUrl: string
  /** A client for another account (accounts never see each other's data). */
  account(apiKey?: string): { apiKey: string; client: Client }
  /** Call the admin API (`/_emulator/...`) for an account; resolves to the parsed JSON body or null. */
  admin(method: string, path: string, body?: unknown, apiKey?: string): Promise<any>
  /** Stop the emulator process. */
  stop(): Promise<void>
}

/** Start the emulator on a free loopback port with a fresh API key. */
export declare function startEmulator(options?: StartOptions): Promise<Emulator>
