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

/** How far to move a test clock; the parts add up (at least one, none negative in total). */
export interface AdvanceBy {
  days?: number
  hours?: number
  minutes?: number
  seconds?: number
}

/** Events `trigger` fires, as if they happened by themselves. */
export type TriggerEvent =
  | 'reputation.changed'
  | 'number.flagged'
  | 'number.removed'
  | 'external_verification.status_changed'
  | 'gate.approved'
  | 'gate.rejected'
  | 'remediation.status_changed'

/** One fixture step: an API (`/v2/...`) or admin (`/_emulator/...`) request run as the account. */
export interface FixtureStep {
  /** How later steps refer to this step's response: `${name:data.id}`. */
  name?: string
  /** `get`, `post` (default), `put`, `patch` or `delete`. */
  method?: string
  /** Request path under `/v2/` or `/_emulator/`. */
  path: string
  /** JSON body. */
  params?: Record<string, unknown>
}

/** A fixture scenario: steps run in order, every one or none. */
export interface FixtureScenario {
  fixtures: FixtureStep[]
  /** The account (used when the file is loaded at start with `--fixtures`). */
  api_key?: string
}

/** The test clock, triggers and fixtures of one account. */
export interface AccountHelpers {
  /** This account's time on its test clock. */
  now(): Promise<Date>
  /** Move this account's clock forward (other accounts keep theirs); resolves to its new time. */
  advance(by: AdvanceBy): Promise<Date>
  /** Fire an event for a number or enterprise of this account (webhook included); resolves to what changed. */
  trigger(event: TriggerEvent, params?: Record<string, unknown>): Promise<any>
  /**
   * Run a fixture scenario as this account, every step or none; resolves to the named steps'
   * responses. An object, or the path (or file URL) of a JSON file or of a YAML file ending
   * `.yaml`/`.yml`.
   */
  loadFixtures(scenario: FixtureScenario | string | URL): Promise<Record<string, any>>
}

/** The admin API of one account, scoped with `?api_key=`. */
export declare class EmulatorAccount implements AccountHelpers {
  constructor(adminUrl: string, apiKey: string)
  /** Admin API root. */
  readonly adminUrl: string
  /** The account's API key. */
  readonly apiKey: string
  /** Call an admin endpoint for this account; resolves to the parsed JSON body or null. */
  admin(method: string, path: string, body?: unknown): Promise<any>
  now(): Promise<Date>
  advance(by: AdvanceBy): Promise<Date>
  trigger(event: TriggerEvent, params?: Record<string, unknown>): Promise<any>
  loadFixtures(scenario: FixtureScenario | string | URL): Promise<Record<string, any>>
}

/** A running emulator and a client for one fresh account on it (with that account's helpers). */
export interface Emulator extends AccountHelpers {
  /** Client for the account `apiKey`, pointed at the emulator. */
  client: Client
  /** API base URL, e.g. `http://127.0.0.1:40123/v2`. */
  baseUrl: string
  /** API key (= account) of `client`. */
  apiKey: string
  /** Admin API root, e.g. `http://127.0.0.1:40123/_emulator`. */
  adminUrl: string
  /** A client for another account (accounts never see each other's data). */
  account(apiKey?: string): { apiKey: string; client: Client } & AccountHelpers
  /** Call the admin API (`/_emulator/...`) for an account; resolves to the parsed JSON body or null. */
  admin(method: string, path: string, body?: unknown, apiKey?: string): Promise<any>
  /** Stop the emulator process. */
  stop(): Promise<void>
}

/** Start the emulator on a free loopback port with a fresh API key. */
export declare function startEmulator(options?: StartOptions): Promise<Emulator>
