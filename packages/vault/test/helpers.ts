/**
 * Shared support for the vault's tests: the fast-check seed, canary card
 * numbers, fixed keys, deterministic `SecureRandom`s, a tracking store
 * wrapper (to read every record the vault ever wrote, and to inject faults),
 * reference date maths written independently of src, leak assertions, and
 * two drivers over the same use cases: the Effect API (`Vault.layer` over
 * `MemoryTokenStore.layer`, `NodeCardCrypto.layer`, a `SecureRandom` and a
 * `TestClock`) and the Promise facade (`createVault` with a `now` clock).
 */
import { createHash } from "node:crypto"
import { inspect } from "node:util"
import { Iban, Pan, type TokenRecord, TokenError } from "@tokenvault/core"
import { Effect, Layer, ManagedRuntime, Redacted, Result } from "effect"
import * as SecureRandom from "effect/crypto/SecureRandom"
import * as TestClock from "effect/testing/TestClock"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as MemoryTokenStore from "../src/MemoryTokenStore.ts"
import * as NodeCardCrypto from "../src/NodeCardCrypto.ts"
import * as NodeSecureRandom from "../src/NodeSecureRandom.ts"
import * as PromiseVault from "../src/PromiseVault.ts"
import * as TokenStore from "../src/TokenStore.ts"
import * as Vault from "../src/Vault.ts"

// ---------------------------------------------------------------------------
// fast-check seed
// ---------------------------------------------------------------------------

const intFromEnv = (name: string): number | undefined => {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const n = Number(raw)
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`)
  return n
}

/** The seed of this run: `FC_SEED`, else generated (and printed). */
export const seed: number = intFromEnv("FC_SEED") ?? Math.floor(Math.random() * 2_147_483_647)

/** `FC_NUM_RUNS` when given. */
export const envNumRuns: number | undefined = intFromEnv("FC_NUM_RUNS")

console.log(`[fast-check] vault tests seed=${seed} (replay: FC_SEED=${seed} pnpm vitest run packages/vault)`)

/** `fc.assert` parameters with the printed seed; `FC_NUM_RUNS` overrides `numRuns`. */
export const fcParams = <T>(numRuns: number, overrides?: fc.Parameters<T>): fc.Parameters<T> => ({
  seed,
  numRuns: envNumRuns ?? numRuns,
  ...overrides
})

export { fc }

// ---------------------------------------------------------------------------
// Cards, bank accounts and keys
// ---------------------------------------------------------------------------

/** Luhn (mod 10), written independently of src. */
export const luhn = (digits: string): boolean => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/** `body` plus the check digit that makes it Luhn-valid. */
export const withCheckDigit = (body: string): string => {
  for (let d = 0; d <= 9; d++) if (luhn(body + d)) return body + d
  throw new Error("unreachable")
}

/** Canary cards: distinctive, Luhn-valid, never printed anywhere by the vault. */
export const PAN_A = withCheckDigit("453957876362148") // VISA, 16 digits
export const PAN_B = withCheckDigit("542523343010910") // MASTER, 16 digits
export const PAN_C = withCheckDigit("37144963539843") // AMEX, 15 digits
export const PAN_D = withCheckDigit("601173948265017") // DISCOVER, 16 digits
export const PAN_LUHN_BAD = PAN_A.slice(0, -1) + String((Number(PAN_A.slice(-1)) + 1) % 10)

/** Valid IBANs (ISO 13616 examples). */
export const IBAN_A = "DE89370400440532013000"
export const IBAN_B = "GB82WEST12345698765432"

/** Every canary the leak checks look for. */
export const CANARIES: ReadonlyArray<string> = [PAN_A, PAN_B, PAN_C, PAN_D, PAN_LUHN_BAD, IBAN_A, IBAN_B]

const bytes32 = (start: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (start + i * 7) & 0xff)

/** Fixed node:crypto keys. */
export const KEYS: NodeCardCrypto.Keys = {
  dataKey: Redacted.make(bytes32(1)),
  fingerprintKey: Redacted.make(bytes32(101))
}

/** Another pair of keys (for key-dependence checks). */
export const OTHER_KEYS: NodeCardCrypto.Keys = {
  dataKey: Redacted.make(bytes32(53)),
  fingerprintKey: Redacted.make(bytes32(201))
}

/** Hex of the key bytes, for "keys never leak" checks. */
export const keyHexes: ReadonlyArray<string> = [KEYS.dataKey, KEYS.fingerprintKey].map((k) =>
  Buffer.from(Redacted.value(k)).toString("hex")
)

// ---------------------------------------------------------------------------
// Deterministic SecureRandom
// ---------------------------------------------------------------------------

/** A deterministic byte stream (SHA-256 in counter mode over `seed`). */
export const byteStream = (streamSeed: string) => {
  let counter = 0
  let buffer = new Uint8Array(0)
  return (size: number): Uint8Array => {
    const out = new Uint8Array(size)
    let filled = 0
    while (filled < size) {
      if (buffer.length === 0) {
        buffer = new Uint8Array(createHash("sha256").update(`${streamSeed}/${counter++}`).digest())
      }
      const n = Math.min(size - filled, buffer.length)
      out.set(buffer.subarray(0, n), filled)
      buffer = buffer.subarray(n)
      filled += n
    }
    return out
  }
}

/** A deterministic `SecureRandom` (same seed, same bytes). */
export const deterministicRandom = (streamSeed: string): SecureRandom.SecureRandom["Service"] =>
  SecureRandom.make(byteStream(streamSeed))

/**
 * A `SecureRandom` that answers from `script` first (one entry per call,
 * resized to the requested size), then from a deterministic stream. Also
 * counts the calls.
 */
export const scriptedRandom = (script: ReadonlyArray<Uint8Array>, streamSeed = "scripted") => {
  const queue = [...script]
  const stream = byteStream(streamSeed)
  const calls: Array<number> = []
  const service = SecureRandom.make((size) => {
    calls.push(size)
    const next = queue.shift()
    if (next === undefined) return stream(size)
    const out = new Uint8Array(size)
    out.set(next.subarray(0, size))
    return out
  })
  return { service, calls }
}

// ---------------------------------------------------------------------------
// A tracking store wrapper (every record ever written, fault injection)
// ---------------------------------------------------------------------------

/** Wraps a store: remembers every token inserted and can fail updates after N. */
export const makeTracker = () => {
  const tokens = new Set<string>()
  let inner: TokenStore.Service | undefined
  let updatesBeforeFailure: number | undefined
  const tracker = {
    tokens,
    /** After `n` more successful `update`s, every `update` fails with `Unavailable`; `undefined` heals. */
    failUpdatesAfter: (n: number | undefined) => {
      updatesBeforeFailure = n
    },
    wrap: (store: TokenStore.Service): TokenStore.Service => {
      inner = store
      return {
        ...store,
        insert: (record) => Effect.tap(store.insert(record), () => Effect.sync(() => tokens.add(record.token))),
        update: (next) =>
          Effect.suspend(() => {
            if (updatesBeforeFailure !== undefined) {
              if (updatesBeforeFailure <= 0) return Effect.fail(TokenStore.errors.unavailable("injected"))
              updatesBeforeFailure--
            }
            return store.update(next)
          })
      }
    },
    /** The current stored state of every record ever inserted (tombstones included). */
    records: (): Promise<ReadonlyArray<TokenRecord.TokenRecord>> =>
      Effect.runPromise(
        Effect.forEach([...tokens], (t) => inner!.get(t)).pipe(Effect.map((rs) => rs.filter((r) => r !== undefined)))
      ),
    /** One stored record. */
    get: (token: string): Promise<TokenRecord.TokenRecord | undefined> => Effect.runPromise(inner!.get(token)),
    inner: (): TokenStore.Service => inner!
  }
  return tracker
}

export type Tracker = ReturnType<typeof makeTracker>

// ---------------------------------------------------------------------------
// Drivers: the Effect API and the Promise facade
// ---------------------------------------------------------------------------

/** The vault's methods as Promises. */
export type VaultApi = Omit<PromiseVault.PromiseVault, "close">

/** One vault under test, through one API. */
export interface Driver {
  readonly api: "effect" | "promise"
  readonly vault: VaultApi
  readonly tracker: Tracker
  /** Every response and every error the vault returned, for the leak checks. */
  readonly seen: Array<unknown>
  readonly setTime: (ms: number) => Promise<void>
  readonly now: () => number
  readonly close: () => Promise<void>
}

export interface DriverOptions {
  readonly random?: SecureRandom.SecureRandom["Service"] | undefined
  readonly keys?: NodeCardCrypto.Keys | undefined
  readonly start?: number | undefined
  readonly maxPageSize?: number | undefined
}

/** 2025-01-15T12:00:00Z, the start of every scenario. */
export const T0 = Date.UTC(2025, 0, 15, 12)

/** Epoch ms of a UTC date. */
export const at = (year: number, month: number, day: number, hour = 12): number => Date.UTC(year, month - 1, day, hour)

const recording = (seen: Array<unknown>, service: Vault.Service, run: <A>(e: Effect.Effect<A, unknown>) => Promise<A>) => {
  const api: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(service)) {
    api[name] = async (...args: Array<unknown>) => {
      try {
        const out = await run((method as (...a: Array<unknown>) => Effect.Effect<unknown, unknown>)(...args))
        seen.push(out)
        return out
      } catch (e) {
        seen.push(e)
        throw e
      }
    }
  }
  return api as unknown as VaultApi
}

/** The Effect API: `Vault.layer` over the memory store, node crypto, a random and a `TestClock`. */
export const effectDriver = async (options: DriverOptions = {}): Promise<Driver> => {
  const tracker = makeTracker()
  const store = Layer.effect(
    TokenStore.TokenStore,
    Effect.map(Effect.service(TokenStore.TokenStore), tracker.wrap)
  ).pipe(Layer.provide(MemoryTokenStore.layer({ maxPageSize: options.maxPageSize })))
  const random = options.random === undefined ? NodeSecureRandom.layer : Layer.succeed(SecureRandom.SecureRandom, options.random)
  const ports = Layer.mergeAll(store, NodeCardCrypto.layer(options.keys ?? KEYS), random)
  const runtime = ManagedRuntime.make(Layer.mergeAll(Vault.layer.pipe(Layer.provide(ports)), TestClock.layer()))
  let now = options.start ?? T0
  await runtime.runPromise(TestClock.setTime(now))
  const service = await runtime.runPromise(Effect.service(Vault.Vault))
  const run = <A>(effect: Effect.Effect<A, unknown>): Promise<A> =>
    runtime.runPromise(Effect.result(effect)).then((r) => {
      if (Result.isSuccess(r)) return r.success
      throw r.failure
    })
  const seen: Array<unknown> = []
  return {
    api: "effect",
    vault: recording(seen, service, run),
    tracker,
    seen,
    setTime: async (ms) => {
      now = ms
      await runtime.runPromise(TestClock.setTime(ms))
    },
    now: () => now,
    close: () => runtime.dispose()
  }
}

/** The Promise facade: `createVault` over a tracked memory store and a mutable `now`. */
export const promiseDriver = async (options: DriverOptions = {}): Promise<Driver> => {
  const tracker = makeTracker()
  let now = options.start ?? T0
  const pv = await PromiseVault.createVault({
    store: tracker.wrap(MemoryTokenStore.make({ maxPageSize: options.maxPageSize })),
    crypto: NodeCardCrypto.make(options.keys ?? KEYS),
    random: options.random,
    now: () => now
  })
  const seen: Array<unknown> = []
  const api: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(pv)) {
    if (name === "close") continue
    api[name] = async (...args: Array<unknown>) => {
      try {
        const out = await (method as (...a: Array<unknown>) => Promise<unknown>)(...args)
        seen.push(out)
        return out
      } catch (e) {
        seen.push(e)
        throw e
      }
    }
  }
  return {
    api: "promise",
    vault: api as unknown as VaultApi,
    tracker,
    seen,
    setTime: async (ms) => {
      now = ms
    },
    now: () => now,
    close: () => pv.close()
  }
}

export type MakeDriver = (options?: DriverOptions) => Promise<Driver>

// ---------------------------------------------------------------------------
// Typed errors
// ---------------------------------------------------------------------------

/** Asserts a typed vault error by `_tag`, `code` and (when given) `gatewayCode`; never by message. */
export const expectTokenError = (
  e: unknown,
  code: TokenError.ErrorCode,
  gatewayCode?: string | null
): TokenError.TokenError => {
  expect(TokenError.isTokenError(e), `expected a TokenError ${code}, got ${String(e)}`).toBe(true)
  const err = e as TokenError.TokenError
  expect(err._tag).toBe("TokenError")
  expect(err.code).toBe(code)
  if (gatewayCode !== undefined) expect(err.gatewayCode ?? null).toBe(gatewayCode)
  return err
}

/** The rejection of `p` (fails the test when it resolves). */
export const rejection = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    const out = await p
    throw new ResolvedError(out)
  } catch (e) {
    if (e instanceof ResolvedError) throw new Error(`expected a rejection, got ${inspect(e.value)}`)
    return e
  }
}

class ResolvedError {
  constructor(readonly value: unknown) {}
}

/** Awaits `p`, expects a `TokenError` with `code` (and `gatewayCode` when given). */
export const expectCode = async (
  p: Promise<unknown>,
  code: TokenError.ErrorCode,
  gatewayCode?: string | null
): Promise<TokenError.TokenError> => expectTokenError(await rejection(p), code, gatewayCode)

/** The fields of an error that a caller can observe (for "exactly like" comparisons). */
export const observable = (e: unknown) => {
  const err = e as Record<string, unknown>
  return {
    _tag: err["_tag"],
    code: err["code"],
    gatewayCode: err["gatewayCode"],
    rule: err["rule"],
    message: err["message"],
    violations: err["violations"],
    json: JSON.stringify(e)
  }
}

// ---------------------------------------------------------------------------
// Leak checks
// ---------------------------------------------------------------------------

/** Every form a canary could take in text: plain, spaced, dashed, hex, base64, base64url, middle digits. */
export const canaryForms = (canary: string): ReadonlyArray<string> => {
  const forms = new Set<string>([canary])
  const groups = canary.match(/.{1,4}/g) ?? []
  forms.add(groups.join(" "))
  forms.add(groups.join("-"))
  const ascii = Buffer.from(canary, "ascii")
  forms.add(ascii.toString("hex"))
  forms.add(ascii.toString("hex").toUpperCase())
  forms.add(ascii.toString("base64"))
  forms.add(ascii.toString("base64url"))
  forms.add(ascii.toString("base64").replace(/=+$/, ""))
  forms.add(Buffer.from(`C:${canary}`, "ascii").toString("base64"))
  forms.add(Buffer.from(`C:${canary}`, "ascii").toString("hex"))
  if (/^[0-9]+$/.test(canary)) {
    forms.add(BigInt(canary).toString(16))
    forms.add(canary.split("").reverse().join(""))
    // The digits a mask must hide (between the BIN and the last 4).
    if (canary.length >= 16) forms.add(canary.slice(6, -4))
  } else {
    forms.add(canary.replace(/(.{4})/g, "$1 ").trim())
    forms.add(canary.slice(4, -4))
  }
  return [...forms]
}

const ALL_FORMS: ReadonlyArray<readonly [string, string]> = CANARIES.flatMap((c) => canaryForms(c).map((f) => [c, f] as const))

/** The texts a value shows: JSON, String(), util.inspect and, for errors, the stack. */
export const textsOf = (u: unknown): ReadonlyArray<string> => {
  const texts: Array<string> = []
  try {
    texts.push(JSON.stringify(u) ?? "")
  } catch (e) {
    texts.push(`<json threw ${String(e)}>`)
  }
  texts.push(String(u))
  texts.push(inspect(u, { depth: Infinity, showHidden: true, getters: true }))
  if (u instanceof Error) texts.push(u.stack ?? "", u.message)
  if (typeof u === "object" && u !== null && "stack" in u) texts.push(String((u as { stack: unknown }).stack))
  return texts
}

/** Asserts that no text of `u` holds a canary in any form. */
export const expectNoLeak = (u: unknown, what = "value"): void => {
  for (const text of textsOf(u)) {
    for (const [canary, form] of ALL_FORMS) {
      if (text.includes(form)) {
        throw new Error(`NO-PAN-LEAK: ${what} shows canary ending ${canary.slice(-4)} (as ${form === canary ? "plain" : "encoded"} form)`)
      }
    }
    for (const hex of keyHexes) if (text.includes(hex)) throw new Error(`NO-PAN-LEAK: ${what} shows key bytes`)
  }
}

/** Asserts no leak in every response, error and stored record a driver saw. */
export const expectDriverClean = async (d: Driver): Promise<void> => {
  d.seen.forEach((u, i) => expectNoLeak(u, `response/error #${i} (${d.api})`))
  const records = await d.tracker.records()
  for (const r of records) expectNoLeak(r, `stored record ${r.token}`)
  expectNoLeak(records, "all stored records")
}

// ---------------------------------------------------------------------------
// Reference date maths (independent of src)
// ---------------------------------------------------------------------------

const iso = (d: Date): string => d.toISOString().slice(0, 10)

/** Adds calendar months with end-of-month clamping (JS Date). */
export const refAddMonths = (isoDate: string, months: number): string => {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number]
  const first = new Date(Date.UTC(y, m - 1 + months, 1))
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  return iso(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(d, last))))
}

/** The first day after a card's validity. */
export const refExpiresOn = (month: number, year: number): string => iso(new Date(Date.UTC(year, month, 1)))

/** A card token's purge date. */
export const refCardRetention = (month: number, year: number, extended = false): string =>
  refAddMonths(refExpiresOn(month, year), extended ? 24 : 14)

/** The UTC date of an instant. */
export const isoOf = (ms: number): string => iso(new Date(ms))

/** A non-card token's purge date from its last activity. */
export const refNonCardRetention = (lastActivityMs: number, extended = false): string =>
  refAddMonths(isoOf(lastActivityMs), extended ? 24 : 14)

/** `bin6••••last4` as AlliancePay shows it; PANs under 16 digits show fewer leading digits, keeping 6 hidden (MASK-PCI). */
export const refMask = (pan: string): string => {
  const lead = Math.min(6, pan.length - 10)
  return pan.slice(0, lead) + "•".repeat(pan.length - lead - 4) + pan.slice(-4)
}

// ---------------------------------------------------------------------------
// Records for the store tests
// ---------------------------------------------------------------------------

let recordCounter = 0

/** A plausible token record (no card data: the store never sees any). */
export const makeRecord = (overrides: Partial<TokenRecord.TokenRecord> = {}): TokenRecord.TokenRecord => {
  recordCounter++
  const token = overrides.token ?? `tok${String(recordCounter).padStart(19, "0")}`
  return {
    token,
    format: "opaque",
    merchantId: "m1",
    scope: "merchant:m1",
    customerId: "c1",
    instrument: "CARD",
    brand: "VISA",
    maskedPan: "411111••••••1111",
    expiry: { month: 12, year: 2030 },
    fingerprint: `fp-${token}`,
    sealed: { keyVersion: 1, ciphertext: `ct-${token}` },
    status: "ACTIVE",
    deletion: undefined,
    createdAt: "2025-01-15T12:00:00.000Z",
    lastActivity: "2025-01-15" as TokenRecord.TokenRecord["lastActivity"],
    extended: false,
    retainUntil: "2032-03-01" as TokenRecord.TokenRecord["retainUntil"],
    agreements: [],
    merchantRequestId: undefined,
    requestDigest: undefined,
    version: 1,
    ...overrides
  }
}

/** The exact keys of a token view (the CLI's token output). */
export const VIEW_KEYS = [
  "brand",
  "customerId",
  "expiryMonth",
  "expiryYear",
  "format",
  "maskedPan",
  "merchantId",
  "retainUntil",
  "status",
  "token"
] as const

/** The exact keys of a one-click entry. */
export const ONE_CLICK_KEYS = ["brand", "expiryMonth", "expiryYear", "last4", "token"] as const

// ---------------------------------------------------------------------------
// The use-case suite, run through both APIs (Vault.test.ts, PromiseVault.test.ts)
// ---------------------------------------------------------------------------

/** Merchants most scenarios use: one per format, one without tokenization, one with Luhn reported. */
export const setupMerchants = async (v: VaultApi): Promise<void> => {
  await v.addMerchant({ merchantId: "m-reg", prefix: "REG1", format: "registration" })
  await v.addMerchant({ merchantId: "m-std", prefix: "STD1", format: "standard" })
  await v.addMerchant({ merchantId: "m-cus", prefix: "CUS1" })
  await v.addMerchant({ merchantId: "m-opq" })
  await v.addMerchant({ merchantId: "m-off", prefix: "OFF1", tokenization: false })
  await v.addMerchant({ merchantId: "m-test", prefix: "TST1", luhn: "report" })
}

const CIT_INITIAL = { source: "CIT", mode: "INITIAL", type: "RECURRING" } as const
const CIT_REPEATED = { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" } as const

/** A token value of `format` that no vault issued. */
export const absentToken = {
  registration: "0123456789abcdef0123456789abcdef",
  opaque: "AAAAAAAAAAAAAAAAAAAAAA",
  standard: "45STD1ZZZZZZ0000"
} as const

/** A card is never Luhn-valid 12–19 digits (TOKEN-NOT-PAN). */
export const looksLikePan = (s: string): boolean => /^[0-9]{12,19}$/.test(s) && luhn(s)

/**
 * Runs `body` against a fresh driver, then checks NO-PAN-LEAK over every
 * response, error and stored record it produced, and closes the driver.
 */
export const withDriver = async (
  makeDriver: MakeDriver,
  body: (d: Driver, v: VaultApi) => Promise<void>,
  options?: DriverOptions
): Promise<void> => {
  const d = await makeDriver(options)
  try {
    await setupMerchants(d.vault)
    await body(d, d.vault)
    await expectDriverClean(d)
  } finally {
    await d.close()
  }
}

const card = (merchantId: string, customerId: string | undefined, pan: string, expiry = "12/27") => ({
  merchantId,
  ...(customerId === undefined ? {} : { customerId }),
  pan,
  expiry
})

/**
 * Every use case with its success and failure paths. Called once per API;
 * `api` goes into the describe title.
 */
export const useCaseSuite = (api: string, makeDriver: MakeDriver): void => {
  const run = (body: (d: Driver, v: VaultApi) => Promise<void>, options?: DriverOptions) => () =>
    withDriver(makeDriver, body, options)

  describe(`use cases through the ${api}`, () => {
    describe("merchants", () => {
      it(
        "[MERCHANT-PREFIX] defaults give a unique 4-character prefix, opaque format, tokenization on, Luhn enforced",
        run(async (_d, v) => {
          const prefixes = new Set<string>()
          for (let i = 0; i < 40; i++) {
            const m = await v.addMerchant({ merchantId: `auto-${i}` })
            expect(m.prefix).toMatch(/^[A-Z0-9]{4}$/)
            expect(m).toMatchObject({ merchantId: `auto-${i}`, format: "opaque", tokenization: true, luhn: "enforce" })
            prefixes.add(m.prefix)
          }
          expect(prefixes.size).toBe(40)
          for (const p of ["REG1", "STD1", "CUS1", "OFF1", "TST1"]) expect(prefixes.has(p)).toBe(false)
        })
      )

      it(
        "[MERCHANT-PREFIX] a prefix held by another merchant is PREFIX_TAKEN; a malformed one PREFIX_INVALID; a second add MERCHANT_EXISTS",
        run(async (_d, v) => {
          await expectCode(v.addMerchant({ merchantId: "other", prefix: "REG1" }), "PREFIX_TAKEN")
          await expectCode(v.addMerchant({ merchantId: "other", prefix: "reg1" }), "PREFIX_INVALID")
          await expectCode(v.addMerchant({ merchantId: "other", prefix: "ABCDE" }), "PREFIX_INVALID")
          await expectCode(v.addMerchant({ merchantId: "m-reg", prefix: "ZZZ9" }), "MERCHANT_EXISTS")
          await expectCode(v.addMerchant({ merchantId: "bad id!" }), "INVALID_INPUT", "200.300.404")
          await expectCode(v.addMerchant({ merchantId: "other", format: "nope" as never }), "INVALID_INPUT")
          // The refused merchant was not stored: it can still be added.
          const ok = await v.addMerchant({ merchantId: "other", prefix: "OTH1" })
          expect(ok.prefix).toBe("OTH1")
        })
      )

      it(
        "[TOKENIZATION-ENABLED] a merchant without the feature gets TOKENIZATION_DISABLED, standalone and during payment",
        run(async (d, v) => {
          await expectCode(v.tokenize(card("m-off", "c1", PAN_A)), "TOKENIZATION_DISABLED")
          await expectCode(
            v.tokenizeDuringPayment({ ...card("m-off", "c1", PAN_A), createRegistration: true, outcome: "AUTHORIZED" }),
            "TOKENIZATION_DISABLED"
          )
          await expectCode(
            v.tokenizeDuringPayment({ ...card("m-off", "c1", PAN_A), requestToken: ":FORCED:MASKEDPAN", outcome: "DECLINED" }),
            "TOKENIZATION_DISABLED"
          )
          expect(d.tracker.tokens.size).toBe(0)
          expect(await v.listByMerchant("m-off")).toEqual([])
        })
      )

      it(
        "[GROUP-ACCESS] an unknown merchant gets MERCHANT_UNKNOWN from every use case",
        run(async (_d, v) => {
          const t = await v.tokenize(card("m-opq", "c1", PAN_A))
          const use = { merchantId: "ghost", token: t.token, ...CIT_REPEATED }
          await expectCode(v.tokenize(card("ghost", "c1", PAN_A)), "MERCHANT_UNKNOWN")
          await expectCode(
            v.tokenizeDuringPayment({ ...card("ghost", "c1", PAN_A), createRegistration: true, outcome: "AUTHORIZED" }),
            "MERCHANT_UNKNOWN"
          )
          await expectCode(v.authorizeUse(use), "MERCHANT_UNKNOWN")
          await expectCode(v.getToken("ghost", t.token), "MERCHANT_UNKNOWN")
          await expectCode(v.listByCustomer("ghost", "c1"), "MERCHANT_UNKNOWN")
          await expectCode(v.listByMerchant("ghost"), "MERCHANT_UNKNOWN")
          await expectCode(v.listOneClick("ghost", "c1"), "MERCHANT_UNKNOWN")
          await expectCode(v.updateStatus("ghost", t.token, "SUSPENDED"), "MERCHANT_UNKNOWN")
          await expectCode(v.updateExpiry("ghost", t.token, "12/29"), "MERCHANT_UNKNOWN")
          await expectCode(v.checkToken("ghost", t.token), "MERCHANT_UNKNOWN")
          await expectCode(v.deleteToken("ghost", t.token), "MERCHANT_UNKNOWN")
          await expectCode(v.extendRetention("ghost", t.token), "MERCHANT_UNKNOWN")
          await v.createGroup("g")
          await expectCode(v.joinGroup("g", "ghost", true), "MERCHANT_UNKNOWN")
          await expectCode(v.leaveGroup("g", "ghost", true), "MERCHANT_UNKNOWN")
          expect((await v.getToken("m-opq", t.token)).status).toBe("ACTIVE")
        })
      )
    })

    describe("standalone tokenization", () => {
      it(
        "[FORMAT-REGISTRATION][FORMAT-STANDARD][FORMAT-CUSTOM][FORMAT-OPAQUE][TOKEN-NOT-PAN][MASK-BIN6-LAST4] each merchant's format",
        run(async (_d, v) => {
          const reg = await v.tokenize(card("m-reg", "c1", PAN_A))
          expect(reg.token).toMatch(/^[0-9a-f]{32}$/)
          expect(reg.format).toBe("registration")

          const std = await v.tokenize(card("m-std", "c1", PAN_A))
          expect(std.format).toBe("standard")
          expect(std.token).toHaveLength(16)
          expect(std.token.slice(0, 2)).toBe(PAN_A.slice(0, 2))
          expect(std.token.slice(2, 6)).toBe("STD1")
          expect(std.token.slice(6, 12)).toMatch(/^[0-9A-Z]{6}$/)
          expect(std.token.slice(6, 12)).toMatch(/[A-Z]/)
          expect(std.token.slice(12)).toBe(PAN_A.slice(-4))

          const cus = await v.tokenize({ ...card("m-cus", "c1", PAN_A), requestToken: "john_smith_5533" })
          expect(cus.token).toBe("CUS1JOHN_SMITH_5533")
          expect(cus.format).toBe("custom")

          const opq = await v.tokenize(card("m-opq", "c1", PAN_A))
          expect(opq.token).toMatch(/^[A-Za-z0-9_-]{23}$/)
          expect(opq.format).toBe("opaque")

          for (const t of [reg, std, cus, opq]) {
            expect(looksLikePan(t.token)).toBe(false)
            expect(Object.keys(t).sort()).toEqual([...VIEW_KEYS])
            expect(t).toMatchObject({
              customerId: "c1",
              maskedPan: refMask(PAN_A),
              brand: "VISA",
              expiryMonth: 12,
              expiryYear: 2027,
              status: "ACTIVE",
              retainUntil: refCardRetention(12, 2027)
            })
          }
        })
      )

      it(
        "[FORMAT-STANDARD][FORMAT-CUSTOM][REQUEST-TOKEN-SYNTAX][CUSTOM-TOKEN-CASE][PAN-BRAND] request overrides: format, MASKEDPAN, custom values",
        run(async (_d, v) => {
          const viaFormat = await v.tokenize({ ...card("m-opq", "c1", PAN_B), format: "registration" })
          expect(viaFormat.token).toMatch(/^[0-9a-f]{32}$/)
          const masked = await v.tokenize({ ...card("m-cus", "c1", PAN_C), requestToken: "MASKEDPAN" })
          expect(masked.format).toBe("standard")
          expect(masked.token).toMatch(new RegExp(`^${PAN_C.slice(0, 2)}CUS1[0-9A-Z]{6}${PAN_C.slice(-4)}$`))
          const custom = await v.tokenize({ ...card("m-reg", "c1", PAN_D), requestToken: "Mixed_Case_Value_9" })
          expect(custom.token).toBe("REG1MIXED_CASE_VALUE_9")
          expect(masked.brand).toBe("AMEX")
          expect(masked.maskedPan).toBe(refMask(PAN_C))
        })
      )

      it(
        "[REQUEST-TOKEN-SYNTAX][CUSTOM-TOKEN-LENGTH][CUSTOM-TOKEN-DIGITS][CUSTOM-TOKEN-CHARSET][FORMAT-STANDARD][PAN-LENGTH][PAN-LUHN][EXPIRY-FORMAT] refused requests",
        run(async (d, v) => {
          await expectCode(v.tokenize({ ...card("m-cus", "c1", PAN_A), format: "custom" }), "REQUEST_TOKEN_INVALID")
          await expectCode(v.tokenize({ ...card("m-cus", "c1", PAN_A), requestToken: "short" }), "CUSTOM_TOKEN_INVALID", "1160")
          await expectCode(v.tokenize({ ...card("m-cus", "c1", PAN_A), requestToken: "AB123456789" }), "CUSTOM_TOKEN_INVALID", "1161")
          await expectCode(v.tokenize({ ...card("m-cus", "c1", PAN_A), requestToken: "john-smith-55" }), "CUSTOM_TOKEN_INVALID", "1162")
          await expectCode(v.tokenize({ ...card("m-cus", "c1", PAN_A), requestToken: ":FORCED:" }), "REQUEST_TOKEN_INVALID")
          await expectCode(v.tokenize({ merchantId: "m-std", customerId: "c1", iban: IBAN_A }), "INVALID_INPUT")
          await expectCode(v.tokenize({ merchantId: "m-opq", customerId: "c1", pan: PAN_A, expiry: "12/27", iban: IBAN_A }), "INVALID_INPUT")
          await expectCode(v.tokenize({ merchantId: "m-opq", customerId: "c1" }), "INVALID_INPUT")
          await expectCode(v.tokenize({ merchantId: "m-opq", customerId: "c1", pan: PAN_A }), "EXPIRY_INVALID")
          await expectCode(v.tokenize(card("m-opq", "c1", PAN_A, "13/27")), "EXPIRY_INVALID_MONTH")
          await expectCode(v.tokenize(card("m-opq", "c1", PAN_A, "12/24")), "CARD_EXPIRED", "1126")
          await expectCode(v.tokenize(card("m-opq", "c1", PAN_LUHN_BAD)), "PAN_LUHN_FAILED")
          await expectCode(v.tokenize(card("m-opq", "c1", PAN_A.slice(0, 11))), "PAN_INVALID_LENGTH")
          await expectCode(v.tokenize(card("m-opq", "c1", `${PAN_A.slice(0, 4)} ${PAN_A.slice(4)}`)), "PAN_INVALID_CHARACTERS")
          await expectCode(v.tokenize({ merchantId: "m-opq", customerId: "c1", iban: "DE00370400440532013000" }), "IBAN_INVALID")
          await expectCode(v.tokenize({ ...card("m-opq", "bad customer", PAN_A) }), "INVALID_INPUT")
          await expectCode(v.tokenize({ ...card("m-opq", "c1", PAN_A), merchantRequestId: "" }), "INVALID_INPUT")
          expect(d.tracker.tokens.size).toBe(0)
          // The test merchant reports Luhn instead of refusing.
          const t = await v.tokenize(card("m-test", "c1", PAN_LUHN_BAD))
          expect(t.maskedPan).toBe(refMask(PAN_LUHN_BAD))
        })
      )

      it(
        "[IBAN-MOD97][RETENTION-NON-CARD] a bank account token: no brand, no expiry, retained 14 months from creation",
        run(async (_d, v) => {
          const t = await v.tokenize({ merchantId: "m-reg", customerId: "c1", iban: IBAN_A })
          expect(t.token).toMatch(/^[0-9a-f]{32}$/)
          expect(t).toMatchObject({ brand: null, expiryMonth: null, expiryYear: null, status: "ACTIVE" })
          expect(t.maskedPan.endsWith(IBAN_A.slice(-4))).toBe(true)
          expect(t.retainUntil).toBe(refNonCardRetention(T0))
          const spaced = await v.tokenize({ merchantId: "m-reg", customerId: "c1", iban: IBAN_A.replace(/(.{4})/g, "$1 ").toLowerCase() })
          expect(spaced.token).toBe(t.token)
        })
      )
    })

    describe("tokenization during payment", () => {
      it(
        "[TOKENIZE-ON-PAYMENT] createRegistration makes a registration token on AUTHORIZED or VERIFIED, none on DECLINED",
        run(async (d, v) => {
          const auth = await v.tokenizeDuringPayment({ ...card("m-opq", "c1", PAN_A), createRegistration: true, outcome: "AUTHORIZED" })
          expect(auth?.token).toMatch(/^[0-9a-f]{32}$/)
          expect(auth?.format).toBe("registration")
          const verified = await v.tokenizeDuringPayment({ ...card("m-opq", "c2", PAN_B), createRegistration: true, outcome: "VERIFIED" })
          expect(verified?.format).toBe("registration")
          const declined = await v.tokenizeDuringPayment({ ...card("m-opq", "c3", PAN_C), createRegistration: true, outcome: "DECLINED" })
          expect(declined).toBeUndefined()
          const noFlag = await v.tokenizeDuringPayment({ ...card("m-opq", "c3", PAN_C), outcome: "AUTHORIZED" })
          expect(noFlag).toBeUndefined()
          expect(d.tracker.tokens.size).toBe(2)
          expect((await v.listByCustomer("m-opq", "c3"))).toEqual([])
          await expectCode(
            v.tokenizeDuringPayment({ ...card("m-opq", "c3", PAN_C), createRegistration: true, outcome: "MAYBE" as never }),
            "INVALID_INPUT"
          )
          await expectCode(
            v.tokenizeDuringPayment({ ...card("m-opq", "c3", PAN_C), createRegistration: true, requestToken: "MASKEDPAN", outcome: "AUTHORIZED" }),
            "INVALID_INPUT"
          )
        })
      )

      it(
        "[TOKENIZE-FORCED][TOKENIZE-ON-PAYMENT] requestToken makes a token when authorized; :FORCED: even when declined",
        run(async (d, v) => {
          const declined = await v.tokenizeDuringPayment({ ...card("m-cus", "c1", PAN_A), requestToken: "MASKEDPAN", outcome: "DECLINED" })
          expect(declined).toBeUndefined()
          const forced = await v.tokenizeDuringPayment({ ...card("m-cus", "c1", PAN_A), requestToken: ":FORCED:MASKEDPAN", outcome: "DECLINED" })
          expect(forced?.format).toBe("standard")
          expect(forced?.token).toMatch(new RegExp(`^${PAN_A.slice(0, 2)}CUS1[0-9A-Z]{6}${PAN_A.slice(-4)}$`))
          const forcedCustom = await v.tokenizeDuringPayment({
            ...card("m-cus", "c2", PAN_B),
            requestToken: ":FORCED:Forced_Value_1",
            outcome: "DECLINED"
          })
          expect(forcedCustom?.token).toBe("CUS1FORCED_VALUE_1")
          const authorized = await v.tokenizeDuringPayment({ ...card("m-cus", "c3", PAN_C), requestToken: "Paid_Value_22", outcome: "AUTHORIZED" })
          expect(authorized?.token).toBe("CUS1PAID_VALUE_22")
          expect(d.tracker.tokens.size).toBe(3)
          await expectCode(
            v.tokenizeDuringPayment({ ...card("m-cus", "c4", PAN_D), requestToken: ":FORCED:bad", outcome: "DECLINED" }),
            "CUSTOM_TOKEN_INVALID",
            "1160"
          )
        })
      )
    })

    describe("use for payment", () => {
      it(
        "[COF-MIT-AGREEMENT][COF-COMBINATION][USE-ACTIVE] CIT INITIAL sets up the agreement; MIT REPEATED with its id succeeds",
        run(async (d, v) => {
          const t = await v.tokenize(card("m-reg", "c1", PAN_A))
          const base = { merchantId: "m-reg", token: t.token }
          await expectCode(v.authorizeUse({ ...base, source: "MIT", mode: "REPEATED", type: "RECURRING" }), "COF_NO_AGREEMENT", "100.150.300")
          await expectCode(v.authorizeUse({ ...base, source: "MIT", mode: "INITIAL", type: "RECURRING" }), "COF_INVALID")
          await expectCode(v.authorizeUse({ ...base, source: "CIT", mode: "FIRST" as never, type: "RECURRING" }), "COF_INVALID")

          const initial = await v.authorizeUse({ ...base, ...CIT_INITIAL })
          expect(initial.token).toBe(t.token)
          expect(initial.transactionId).toMatch(/^[0-9a-f]{32}$/)
          const instrument = initial.instrument
          expect(instrument._tag).toBe("Card")
          if (instrument._tag === "Card") {
            expect(Pan.reveal(instrument.pan)).toBe(PAN_A)
            expect(String(instrument.pan)).not.toContain(PAN_A.slice(0, 6))
            expect(instrument.expiry).toEqual({ month: 12, year: 2027 })
          }

          const mit = await v.authorizeUse({ ...base, source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: initial.transactionId })
          expect(mit.transactionId).not.toBe(initial.transactionId)
          await expectCode(
            v.authorizeUse({ ...base, source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: "f".repeat(32) }),
            "COF_NO_AGREEMENT",
            "100.150.300"
          )
          await expectCode(
            v.authorizeUse({ ...base, source: "MIT", mode: "REPEATED", type: "RECURRING" }),
            "COF_NO_AGREEMENT",
            "100.150.300"
          )
          await expectCode(
            v.authorizeUse({ ...base, source: "MIT", mode: "REPEATED", type: "INSTALLMENT", initialTransactionId: initial.transactionId }),
            "COF_NO_AGREEMENT",
            "100.150.300"
          )
          // A CIT REPEATED use needs no agreement; a new CIT INITIAL replaces the agreement of its type.
          await v.authorizeUse({ ...base, ...CIT_REPEATED })
          const second = await v.authorizeUse({ ...base, ...CIT_INITIAL })
          await expectCode(
            v.authorizeUse({ ...base, source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: initial.transactionId }),
            "COF_NO_AGREEMENT"
          )
          await v.authorizeUse({ ...base, source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: second.transactionId })
          // The card token's retention does not move with use.
          await d.setTime(at(2026, 6, 1))
          await v.authorizeUse({ ...base, ...CIT_REPEATED })
          expect((await v.getToken("m-reg", t.token)).retainUntil).toBe(refCardRetention(12, 2027))
        })
      )

      it(
        "[RETENTION-NON-CARD] a bank-account token's use moves retainUntil to the use date + 14 months",
        run(async (d, v) => {
          const t = await v.tokenize({ merchantId: "m-opq", customerId: "c1", iban: IBAN_B })
          expect(t.retainUntil).toBe("2026-03-15")
          await d.setTime(at(2025, 6, 30))
          const use = await v.authorizeUse({ merchantId: "m-opq", token: t.token, ...CIT_INITIAL })
          const instrument = use.instrument
          expect(instrument._tag).toBe("BankAccount")
          if (instrument._tag === "BankAccount") expect(Iban.reveal(instrument.iban)).toBe(IBAN_B)
          expect((await v.getToken("m-opq", t.token)).retainUntil).toBe("2026-08-30")
          await d.setTime(at(2025, 12, 31))
          await v.authorizeUse({ merchantId: "m-opq", token: t.token, source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: use.transactionId })
          expect((await v.getToken("m-opq", t.token)).retainUntil).toBe(refAddMonths("2025-12-31", 14))
          expect(refAddMonths("2025-12-31", 14)).toBe("2027-02-28")
          // A failed use does not move it.
          await d.setTime(at(2026, 1, 10))
          await expectCode(v.authorizeUse({ merchantId: "m-opq", token: t.token, source: "MIT", mode: "REPEATED", type: "INSTALLMENT" }), "COF_NO_AGREEMENT")
          expect((await v.getToken("m-opq", t.token)).retainUntil).toBe("2027-02-28")
        })
      )

      it(
        "[USE-CARD-NOT-EXPIRED][EXPIRY-END-OF-MONTH] a card is usable through the last day of its expiry month, then TOKEN_EXPIRED 1164",
        run(async (d, v) => {
          const t = await v.tokenize(card("m-opq", "c1", PAN_B, "01/25"))
          await d.setTime(Date.UTC(2025, 0, 31, 23, 59, 59))
          await v.authorizeUse({ merchantId: "m-opq", token: t.token, ...CIT_REPEATED })
          expect((await v.checkToken("m-opq", t.token)).valid).toBe(true)
          await d.setTime(Date.UTC(2025, 1, 1, 0, 0, 0))
          await expectCode(v.authorizeUse({ merchantId: "m-opq", token: t.token, ...CIT_REPEATED }), "TOKEN_EXPIRED", "1164")
          expect(await v.checkToken("m-opq", t.token)).toEqual({ token: t.token, valid: false, code: "TOKEN_EXPIRED", gatewayCode: "1164" })
          expect(await v.listOneClick("m-opq", "c1")).toEqual([])
          // Tokenizing the expired card again is refused; a reissued card's expiry revives the token.
          await expectCode(v.tokenize(card("m-opq", "c1", PAN_B, "01/25")), "CARD_EXPIRED", "1126")
          const updated = await v.updateExpiry("m-opq", t.token, "01/28")
          expect(updated).toMatchObject({ expiryMonth: 1, expiryYear: 2028, retainUntil: refCardRetention(1, 2028) })
          await v.authorizeUse({ merchantId: "m-opq", token: t.token, ...CIT_REPEATED })
        })
      )

      it(
        "[GROUP-ACCESS] wrong merchant: TOKEN_NOT_FOUND 100.150.200, exactly as for a token that does not exist; malformed: TOKEN_MALFORMED",
        run(async (d, v) => {
          const t = await v.tokenize(card("m-reg", "c1", PAN_A))
          const before = await d.tracker.get(t.token)
          const wrong = await rejection(v.authorizeUse({ merchantId: "m-opq", token: t.token, ...CIT_INITIAL }))
          const missing = await rejection(v.authorizeUse({ merchantId: "m-opq", token: absentToken.registration, ...CIT_INITIAL }))
          expectTokenError(wrong, "TOKEN_NOT_FOUND", "100.150.200")
          expect(observable(wrong)).toEqual(observable(missing))
          for (const op of [
            (tok: string) => v.getToken("m-opq", tok),
            (tok: string) => v.checkToken("m-opq", tok),
            (tok: string) => v.updateStatus("m-opq", tok, "SUSPENDED"),
            (tok: string) => v.updateExpiry("m-opq", tok, "12/29"),
            (tok: string) => v.deleteToken("m-opq", tok),
            (tok: string) => v.extendRetention("m-opq", tok)
          ]) {
            const a = await rejection(op(t.token))
            const b = await rejection(op(absentToken.registration))
            expectTokenError(a, "TOKEN_NOT_FOUND", "100.150.200")
            expect(observable(a)).toEqual(observable(b))
          }
          expect(await d.tracker.get(t.token)).toEqual(before)
          await expectCode(v.getToken("m-reg", "not a token!"), "TOKEN_MALFORMED", "100.150.101")
          await expectCode(v.authorizeUse({ merchantId: "m-reg", token: "x".repeat(65), ...CIT_INITIAL }), "TOKEN_MALFORMED", "100.150.101")
          expect(await v.listByCustomer("m-opq", "c1")).toEqual([])
        })
      )
    })

    describe("one-click and token data", () => {
      it(
        "[COF-COMBINATION][MASK-PCI] one-click lists the customer's usable tokens only: token, brand, last 4, expiry, never the PAN",
        run(async (d, v) => {
          const usable = await v.tokenize(card("m-opq", "c1", PAN_A))
          const suspended = await v.tokenize(card("m-opq", "c1", PAN_B))
          const deleted = await v.tokenize(card("m-opq", "c1", PAN_C))
          const expiring = await v.tokenize(card("m-opq", "c1", PAN_D, "02/25"))
          const bank = await v.tokenize({ merchantId: "m-opq", customerId: "c1", iban: IBAN_A })
          await v.tokenize(card("m-opq", "c2", PAN_A))
          await v.tokenize(card("m-reg", "c1", PAN_A))
          await v.updateStatus("m-opq", suspended.token, "SUSPENDED")
          await v.deleteToken("m-opq", deleted.token)
          await d.setTime(at(2025, 3, 1))
          const entries = await v.listOneClick("m-opq", "c1")
          expect(entries.map((e) => e.token).sort()).toEqual([usable.token, bank.token].sort())
          for (const e of entries) expect(Object.keys(e).sort()).toEqual([...ONE_CLICK_KEYS])
          expect(entries.find((e) => e.token === usable.token)).toEqual({
            token: usable.token,
            brand: "VISA",
            last4: PAN_A.slice(-4),
            expiryMonth: 12,
            expiryYear: 2027
          })
          expect(entries.find((e) => e.token === bank.token)).toEqual({
            token: bank.token,
            brand: null,
            last4: IBAN_A.slice(-4),
            expiryMonth: null,
            expiryYear: null
          })
          expect(expiring.expiryYear).toBe(2025)
          expect(await v.listOneClick("m-opq", "nobody")).toEqual([])
          await expectCode(v.listOneClick("m-opq", "bad customer!"), "INVALID_INPUT")
        })
      )

      it(
        "[GROUP-ACCESS][MASK-BIN6-LAST4] getToken, listByCustomer and listByMerchant show views of the merchant's own tokens",
        run(async (_d, v) => {
          const a = await v.tokenize(card("m-opq", "c1", PAN_A))
          const b = await v.tokenize(card("m-opq", "c1", PAN_B, "06/26"))
          const c = await v.tokenize(card("m-opq", "c2", PAN_C))
          const anon = await v.tokenize(card("m-opq", undefined, PAN_D))
          await v.tokenize(card("m-reg", "c1", PAN_A))
          const got = await v.getToken("m-opq", b.token)
          expect(got).toEqual(b)
          expect(got).toEqual({
            token: b.token,
            merchantId: "m-opq",
            customerId: "c1",
            maskedPan: refMask(PAN_B),
            brand: "MASTER",
            expiryMonth: 6,
            expiryYear: 2026,
            status: "ACTIVE",
            retainUntil: refCardRetention(6, 2026),
            format: "opaque"
          })
          expect(anon.customerId).toBeNull()
          const byCustomer = await v.listByCustomer("m-opq", "c1")
          expect(byCustomer.map((t) => t.token).sort()).toEqual([a.token, b.token].sort())
          const byMerchant = await v.listByMerchant("m-opq")
          expect(byMerchant.map((t) => t.token).sort()).toEqual([a.token, b.token, c.token, anon.token].sort())
          for (const t of [...byCustomer, ...byMerchant]) expect(Object.keys(t).sort()).toEqual([...VIEW_KEYS])
          // Suspended tokens stay listed; deleted ones leave the lists but getToken still answers.
          await v.updateStatus("m-opq", a.token, "SUSPENDED")
          await v.deleteToken("m-opq", c.token)
          expect((await v.listByCustomer("m-opq", "c1")).find((t) => t.token === a.token)?.status).toBe("SUSPENDED")
          expect((await v.listByMerchant("m-opq")).map((t) => t.token)).not.toContain(c.token)
          expect((await v.getToken("m-opq", c.token)).status).toBe("DELETED")
          expect(await v.listByMerchant("m-std")).toEqual([])
        })
      )

      it(
        "[GROUP-ACCESS] listByMerchant pages through the store (more tokens than a page)",
        run(async (_d, v) => {
          const made = new Set<string>()
          for (let i = 0; i < 12; i++) made.add((await v.tokenize({ merchantId: "m-opq", customerId: `c${i}`, iban: IBAN_A })).token)
          const listed = await v.listByMerchant("m-opq")
          expect(listed).toHaveLength(12)
          expect(new Set(listed.map((t) => t.token))).toEqual(made)
        }, { maxPageSize: 5 })
      )
    })

    describe("status, expiry and checks", () => {
      it(
        "[STATUS-TRANSITIONS][USE-ACTIVE] suspend blocks use (TOKEN_SUSPENDED), resume restores it, the table refuses the rest",
        run(async (_d, v) => {
          const t = await v.tokenize(card("m-opq", "c1", PAN_A))
          const use = { merchantId: "m-opq", token: t.token, ...CIT_REPEATED }
          await expectCode(v.updateStatus("m-opq", t.token, "ACTIVE"), "ILLEGAL_TRANSITION")
          expect((await v.updateStatus("m-opq", t.token, "SUSPENDED")).status).toBe("SUSPENDED")
          await expectCode(v.authorizeUse(use), "TOKEN_SUSPENDED", null)
          expect(await v.checkToken("m-opq", t.token)).toEqual({ token: t.token, valid: false, code: "TOKEN_SUSPENDED", gatewayCode: null })
          await expectCode(v.updateStatus("m-opq", t.token, "SUSPENDED"), "ILLEGAL_TRANSITION")
          expect((await v.updateStatus("m-opq", t.token, "ACTIVE")).status).toBe("ACTIVE")
          await v.authorizeUse(use)
          await v.updateStatus("m-opq", t.token, "SUSPENDED")
          expect((await v.updateStatus("m-opq", t.token, "DELETED")).status).toBe("DELETED")
          await expectCode(v.updateStatus("m-opq", t.token, "ACTIVE"), "ILLEGAL_TRANSITION")
          await expectCode(v.updateStatus("m-opq", t.token, "SUSPENDED"), "ILLEGAL_TRANSITION")
          await expectCode(v.updateStatus("m-opq", t.token, "DELETED"), "TOKEN_ALREADY_DELETED", "100.350.303")
          await expectCode(v.updateStatus("m-opq", t.token, "GONE" as never), "INVALID_INPUT")
          await expectCode(v.authorizeUse(use), "TOKEN_DELETED", "100.150.202")
        })
      )

      it(
        "[EXPIRY-FORMAT][DUPLICATE-CARD] updateExpiry takes MM/YY or month/year, recomputes retention, refuses expired, bank and deleted tokens",
        run(async (_d, v) => {
          const t = await v.tokenize(card("m-opq", "c1", PAN_A))
          expect(await v.updateExpiry("m-opq", t.token, "03/29")).toMatchObject({
            expiryMonth: 3,
            expiryYear: 2029,
            retainUntil: refCardRetention(3, 2029)
          })
          expect(await v.updateExpiry("m-opq", t.token, { month: 7, year: 2030 })).toMatchObject({ expiryMonth: 7, expiryYear: 2030 })
          await expectCode(v.updateExpiry("m-opq", t.token, "12/24"), "CARD_EXPIRED", "1126")
          await expectCode(v.updateExpiry("m-opq", t.token, "2030-07"), "EXPIRY_INVALID")
          await expectCode(v.updateExpiry("m-opq", t.token, { month: 0, year: 2030 }), "EXPIRY_INVALID_MONTH")
          await expectCode(v.updateExpiry("m-opq", t.token, 42 as never), "EXPIRY_INVALID")
          const bank = await v.tokenize({ merchantId: "m-opq", customerId: "c1", iban: IBAN_A })
          await expectCode(v.updateExpiry("m-opq", bank.token, "12/29"), "INVALID_INPUT")
          await v.updateStatus("m-opq", t.token, "SUSPENDED")
          expect((await v.updateExpiry("m-opq", t.token, "08/30")).status).toBe("SUSPENDED")
          await v.deleteToken("m-opq", t.token)
          await expectCode(v.updateExpiry("m-opq", t.token, "12/31"), "TOKEN_DELETED", "100.150.202")
          expect((await v.getToken("m-opq", t.token)).expiryYear).toBeNull()
        })
      )

      it(
        "[USE-ACTIVE] checkToken: valid with null codes while usable",
        run(async (_d, v) => {
          const t = await v.tokenize(card("m-std", "c1", PAN_A))
          expect(await v.checkToken("m-std", t.token)).toEqual({ token: t.token, valid: true, code: null, gatewayCode: null })
          await v.deleteToken("m-std", t.token)
          expect(await v.checkToken("m-std", t.token)).toEqual({ token: t.token, valid: false, code: "TOKEN_DELETED", gatewayCode: "100.150.202" })
        })
      )
    })

    describe("deletion", () => {
      it(
        "[DELETE-IRREVERSIBLE][STATUS-DELETE-TWICE] delete destroys the sealed data, later use is 100.150.202, a second delete 100.350.303",
        run(async (d, v) => {
          const t = await v.tokenize(card("m-reg", "c1", PAN_A))
          await v.authorizeUse({ merchantId: "m-reg", token: t.token, ...CIT_INITIAL })
          const stored = await d.tracker.get(t.token)
          expect(stored?.sealed).toBeDefined()
          const deleted = await v.deleteToken("m-reg", t.token)
          expect(deleted.status).toBe("DELETED")
          expect(Object.keys(deleted).sort()).toEqual([...VIEW_KEYS])
          const tomb = await d.tracker.get(t.token)
          expect(tomb).toMatchObject({ status: "DELETED", sealed: undefined, fingerprint: undefined, maskedPan: "", agreements: [] })
          expect(tomb?.deletion?.reason).toBe("DEREGISTERED")
          expect(JSON.stringify(tomb)).not.toContain(stored!.sealed!.ciphertext)
          await expectCode(v.authorizeUse({ merchantId: "m-reg", token: t.token, ...CIT_REPEATED }), "TOKEN_DELETED", "100.150.202")
          await expectCode(v.deleteToken("m-reg", t.token), "TOKEN_ALREADY_DELETED", "100.350.303")
          await expectCode(v.extendRetention("m-reg", t.token), "TOKEN_DELETED", "100.150.202")
          // The same card makes a new, different token.
          const again = await v.tokenize(card("m-reg", "c1", PAN_A))
          expect(again.token).not.toBe(t.token)
          expect(again.status).toBe("ACTIVE")
          const dup = await Effect.runPromise(Effect.flip(d.tracker.inner().insert(makeRecord({ token: t.token, merchantId: "m-reg", scope: "merchant:m-reg" }))))
          expect(dup.reason).toMatchObject({ _tag: "Duplicate", constraint: "token" })
        })
      )

      it(
        "[CUSTOM-TOKEN-UNIQUE][DELETE-IRREVERSIBLE] a custom value is one card's: another card gets 1163, the same card its token; deleted values stay taken",
        run(async (d, v) => {
          const t = await v.tokenize({ ...card("m-cus", "c1", PAN_A), requestToken: "john_smith_5533" })
          expect(t.token).toBe("CUS1JOHN_SMITH_5533")
          await expectCode(v.tokenize({ ...card("m-cus", "c2", PAN_B), requestToken: "JOHN_SMITH_5533" }), "CUSTOM_TOKEN_TAKEN", "1163")
          await expectCode(v.tokenize({ merchantId: "m-cus", customerId: "c1", iban: IBAN_A, requestToken: "john_smith_5533" }), "CUSTOM_TOKEN_TAKEN", "1163")
          const same = await v.tokenize({ ...card("m-cus", "c1", PAN_A), requestToken: "John_Smith_5533" })
          expect(same.token).toBe(t.token)
          expect(d.tracker.tokens.size).toBe(1)
          // Another merchant's prefix makes it another token.
          const other = await v.tokenize({ ...card("m-reg", "c1", PAN_B), requestToken: "john_smith_5533" })
          expect(other.token).toBe("REG1JOHN_SMITH_5533")

          await v.deleteToken("m-cus", t.token)
          await expectCode(v.tokenize({ ...card("m-cus", "c1", PAN_A), requestToken: "john_smith_5533" }), "CUSTOM_TOKEN_TAKEN", "1163")
          await expectCode(v.tokenize({ ...card("m-cus", "c9", PAN_B), requestToken: "john_smith_5533" }), "CUSTOM_TOKEN_TAKEN", "1163")
          await expectCode(
            v.tokenizeDuringPayment({ ...card("m-cus", "c1", PAN_A), requestToken: ":FORCED:john_smith_5533", outcome: "DECLINED" }),
            "CUSTOM_TOKEN_TAKEN",
            "1163"
          )
          await expectCode(v.authorizeUse({ merchantId: "m-cus", token: t.token, ...CIT_REPEATED }), "TOKEN_DELETED", "100.150.202")
          expect((await d.tracker.get(t.token))?.status).toBe("DELETED")
        })
      )
    })

    describe("retention", () => {
      it(
        "[RETENTION-EXTEND][RETENTION-CARD] extension makes the period 24 months and is idempotent",
        run(async (d, v) => {
          const t = await v.tokenize(card("m-opq", "c1", PAN_A, "01/26"))
          expect(t.retainUntil).toBe(refCardRetention(1, 2026))
          expect(t.retainUntil).toBe("2027-04-01")
          const once = await v.extendRetention("m-opq", t.token)
          expect(once.retainUntil).toBe(refCardRetention(1, 2026, true))
          expect(once.retainUntil).toBe("2028-02-01")
          const version = (await d.tracker.get(t.token))!.version
          const twice = await v.extendRetention("m-opq", t.token)
          expect(twice).toEqual(once)
          expect((await d.tracker.get(t.token))!.version).toBe(version)
          // An expiry update keeps the extension.
          expect((await v.updateExpiry("m-opq", t.token, "01/27")).retainUntil).toBe(refCardRetention(1, 2027, true))

          const bank = await v.tokenize({ merchantId: "m-opq", customerId: "c1", iban: IBAN_A })
          expect((await v.extendRetention("m-opq", bank.token)).retainUntil).toBe(refNonCardRetention(T0, true))
          await d.setTime(at(2025, 5, 20))
          await v.authorizeUse({ merchantId: "m-opq", token: bank.token, ...CIT_REPEATED })
          expect((await v.getToken("m-opq", bank.token)).retainUntil).toBe(refNonCardRetention(at(2025, 5, 20), true))
        })
      )

      it(
        "[RETENTION-PURGE] past its retention date a token is unusable (100.150.206) and cannot be extended, before any sweep",
        run(async (d, v) => {
          const bank = await v.tokenize({ merchantId: "m-opq", customerId: "c1", iban: IBAN_A })
          await d.setTime(at(2026, 3, 14))
          await v.authorizeUse({ merchantId: "m-opq", token: bank.token, ...CIT_INITIAL })
          const bank2 = await v.tokenize({ merchantId: "m-opq", customerId: "c2", iban: IBAN_B })
          await d.setTime(at(2027, 5, 14))
          await expectCode(v.authorizeUse({ merchantId: "m-opq", token: bank.token, ...CIT_REPEATED }), "RETENTION_EXPIRED", "100.150.206")
          expect(await v.checkToken("m-opq", bank2.token)).toEqual({ token: bank2.token, valid: false, code: "RETENTION_EXPIRED", gatewayCode: "100.150.206" })
          await expectCode(v.extendRetention("m-opq", bank2.token), "RETENTION_EXPIRED", "100.150.206")
          expect(await v.listOneClick("m-opq", "c1")).toEqual([])
        })
      )

      it(
        "[RETENTION-PURGE][RETENTION-NON-CARD][RETENTION-CARD] the sweep purges due tokens in batches, counts them, and spares the rest",
        run(async (d, v) => {
          const due: Array<string> = []
          for (let i = 0; i < 5; i++) due.push((await v.tokenize({ merchantId: "m-opq", customerId: `c${i}`, iban: IBAN_A })).token)
          const suspended = await v.tokenize({ merchantId: "m-reg", customerId: "s1", iban: IBAN_B })
          await v.updateStatus("m-reg", suspended.token, "SUSPENDED")
          due.push(suspended.token)
          const extended = await v.tokenize({ merchantId: "m-opq", customerId: "x", iban: IBAN_A })
          await v.extendRetention("m-opq", extended.token)
          const cardToken = await v.tokenize(card("m-opq", "c1", PAN_A))
          const custom = await v.tokenize({ ...card("m-cus", "c1", PAN_B, "01/25"), requestToken: "Purged_Value_1" })
          const deleted = await v.tokenize({ merchantId: "m-opq", customerId: "del", iban: IBAN_B })
          await v.deleteToken("m-opq", deleted.token)

          expect(await v.sweep()).toEqual({ purged: 0, scanned: 0 })
          await d.setTime(at(2026, 3, 14))
          expect(await v.sweep()).toEqual({ purged: 0, scanned: 0 })
          await d.setTime(at(2026, 3, 15))
          const progress: Array<number> = []
          expect(await v.sweep({ batchSize: 2, onProgress: (n) => progress.push(n) })).toEqual({ purged: 6, scanned: 6 })
          expect(progress[0]).toBe(2)
          expect(progress.at(-1)).toBe(6)
          expect(progress.every((n, i) => i === 0 || n >= progress[i - 1]!)).toBe(true)
          for (const tok of due) {
            const r = await d.tracker.get(tok)
            expect(r).toMatchObject({ status: "DELETED", sealed: undefined, fingerprint: undefined })
            expect(r?.deletion?.reason).toBe("RETENTION")
          }
          expect((await d.tracker.get(deleted.token))?.deletion?.reason).toBe("DEREGISTERED")
          await expectCode(v.authorizeUse({ merchantId: "m-opq", token: due[0]!, ...CIT_REPEATED }), "RETENTION_EXPIRED", "100.150.206")
          expect(await v.checkToken("m-opq", due[1]!)).toEqual({ token: due[1], valid: false, code: "RETENTION_EXPIRED", gatewayCode: "100.150.206" })
          await expectCode(v.extendRetention("m-opq", due[2]!), "RETENTION_EXPIRED", "100.150.206")
          await expectCode(v.deleteToken("m-opq", due[3]!), "TOKEN_ALREADY_DELETED", "100.350.303")
          expect(await v.sweep()).toEqual({ purged: 0, scanned: 0 })
          // The rest is untouched and usable.
          await v.authorizeUse({ merchantId: "m-opq", token: extended.token, ...CIT_REPEATED })
          await v.authorizeUse({ merchantId: "m-opq", token: cardToken.token, ...CIT_REPEATED })

          // A card token goes on its own date; its custom value stays reserved.
          await d.setTime(at(2026, 4, 1))
          expect(await v.sweep()).toEqual({ purged: 1, scanned: 1 })
          await expectCode(v.authorizeUse({ merchantId: "m-cus", token: custom.token, ...CIT_REPEATED }), "RETENTION_EXPIRED", "100.150.206")
          await expectCode(v.tokenize({ ...card("m-cus", "c1", PAN_C, "01/29"), requestToken: "Purged_Value_1" }), "CUSTOM_TOKEN_TAKEN", "1163")
          // A fresh tokenization of the same bank account makes a new token.
          const fresh = await v.tokenize({ merchantId: "m-opq", customerId: "c0", iban: IBAN_A })
          expect(due).not.toContain(fresh.token)
        })
      )

      it(
        "[RETENTION-PURGE] an interrupted sweep fails typed and a later sweep resumes where it stopped",
        run(async (d, v) => {
          const tokens: Array<string> = []
          for (let i = 0; i < 9; i++) tokens.push((await v.tokenize({ merchantId: "m-opq", customerId: `c${i}`, iban: IBAN_A })).token)
          await d.setTime(at(2026, 6, 1))
          d.tracker.failUpdatesAfter(4)
          await expectCode(v.sweep({ batchSize: 3 }), "STORE_UNAVAILABLE")
          const afterFailure = await d.tracker.records()
          expect(afterFailure.filter((r) => r.status === "DELETED")).toHaveLength(4)
          d.tracker.failUpdatesAfter(undefined)
          expect(await v.sweep({ batchSize: 3 })).toEqual({ purged: 5, scanned: 5 })
          expect((await d.tracker.records()).every((r) => r.status === "DELETED" && r.deletion?.reason === "RETENTION")).toBe(true)
          expect(await v.sweep()).toEqual({ purged: 0, scanned: 0 })
        })
      )
    })

    describe("idempotency and duplicates", () => {
      it(
        "[IDEMPOTENCY] the same merchantRequestId and payload return the same token; a different payload is IDEMPOTENCY_CONFLICT",
        run(async (d, v) => {
          const request = { ...card("m-opq", "c1", PAN_A), merchantRequestId: "req-1" }
          const first = await v.tokenize(request)
          const replay = await v.tokenize(request)
          expect(replay).toEqual(first)
          expect(d.tracker.tokens.size).toBe(1)
          await expectCode(v.tokenize({ ...request, pan: PAN_B }), "IDEMPOTENCY_CONFLICT")
          await expectCode(v.tokenize({ ...request, customerId: "c2" }), "IDEMPOTENCY_CONFLICT")
          await expectCode(v.tokenize({ ...request, expiry: "11/28" }), "IDEMPOTENCY_CONFLICT")
          await expectCode(v.tokenize({ ...request, format: "registration" }), "IDEMPOTENCY_CONFLICT")
          await expectCode(v.tokenize({ merchantId: "m-opq", customerId: "c1", iban: IBAN_A, merchantRequestId: "req-1" }), "IDEMPOTENCY_CONFLICT")
          expect(d.tracker.tokens.size).toBe(1)
          // Keys are per merchant.
          const elsewhere = await v.tokenize({ ...request, merchantId: "m-reg" })
          expect(elsewhere.token).not.toBe(first.token)
          // During a payment too.
          const pay = { ...card("m-opq", "c7", PAN_C), createRegistration: true, outcome: "AUTHORIZED" as const, merchantRequestId: "pay-1" }
          const paid = await v.tokenizeDuringPayment(pay)
          expect(await v.tokenizeDuringPayment(pay)).toEqual(paid)
          await expectCode(v.tokenizeDuringPayment({ ...pay, pan: PAN_D }), "IDEMPOTENCY_CONFLICT")
          // The stored digest is keyed: it is not a hash of anything the merchant sent.
          const stored = await d.tracker.get(first.token)
          expect(stored?.requestDigest).toBeDefined()
          expect(stored?.requestDigest).not.toContain(PAN_A)
        })
      )

      it(
        "[IDEMPOTENCY][DUPLICATE-CARD] a merchantRequestId answered with an existing duplicate token is still bound to its payload",
        run(async (_d, v) => {
          const existing = await v.tokenize(card("m-opq", "c1", PAN_A))
          const answered = await v.tokenize({ ...card("m-opq", "c1", PAN_A), merchantRequestId: "req-dup" })
          expect(answered.token).toBe(existing.token)
          // Same key, different card: the key was already used with another payload.
          await expectCode(v.tokenize({ ...card("m-opq", "c1", PAN_B), merchantRequestId: "req-dup" }), "IDEMPOTENCY_CONFLICT")
        })
      )

      it(
        "[IDEMPOTENCY][DUPLICATE-CARD] a new key answered with a duplicate that already carries another key is bound too: another payload under it is IDEMPOTENCY_CONFLICT",
        run(async (d, v) => {
          const first = await v.tokenize({ ...card("m-opq", "c1", PAN_A), merchantRequestId: "req-1" })
          const second = { ...card("m-opq", "c1", PAN_A), merchantRequestId: "req-2" }
          expect((await v.tokenize(second)).token).toBe(first.token)
          expect((await v.tokenize(second)).token).toBe(first.token)
          await expectCode(v.tokenize({ ...second, pan: PAN_B }), "IDEMPOTENCY_CONFLICT")
          await expectCode(v.tokenize({ ...second, customerId: "c2" }), "IDEMPOTENCY_CONFLICT")
          await expectCode(v.tokenize({ ...second, requestToken: "MASKEDPAN" }), "IDEMPOTENCY_CONFLICT")
          expect(d.tracker.tokens.size).toBe(1)
          // Both keys stay with the token after it is deleted.
          await v.deleteToken("m-opq", first.token)
          expect(await v.tokenize(second)).toMatchObject({ token: first.token, status: "DELETED" })
          await expectCode(v.tokenize({ ...second, pan: PAN_B }), "IDEMPOTENCY_CONFLICT")
          expect((await v.tokenize({ ...card("m-opq", "c1", PAN_A), merchantRequestId: "req-1" })).token).toBe(first.token)
        })
      )

      it(
        "[IDEMPOTENCY][GROUP-ACCESS] a key is the asking merchant's: answered with a group member's token, it binds for that merchant only",
        run(async (_d, v) => {
          for (const m of ["k1", "k2"]) await v.addMerchant({ merchantId: m })
          await v.createGroup("K")
          await v.joinGroup("K", "k1", false)
          await v.joinGroup("K", "k2", false)
          const owned = await v.tokenize(card("k1", "c1", PAN_A))
          const asked = { ...card("k2", "c1", PAN_A), merchantRequestId: "req-g" }
          expect((await v.tokenize(asked)).token).toBe(owned.token)
          await expectCode(v.tokenize({ ...asked, pan: PAN_B }), "IDEMPOTENCY_CONFLICT")
          // The owner's key space is untouched: its own "req-g" is a fresh key.
          const own = await v.tokenize({ ...card("k1", "c1", PAN_B), merchantRequestId: "req-g" })
          expect(own.token).not.toBe(owned.token)
          expect(own.merchantId).toBe("k1")
        })
      )

      it(
        "[DUPLICATE-CARD][TOKEN-RANDOM] same card, customer and scope: the existing ACTIVE token (any format asked); a later expiry updates it",
        run(async (d, v) => {
          const t1 = await v.tokenize(card("m-opq", "c1", PAN_A))
          expect(await v.tokenize({ ...card("m-opq", "c1", PAN_A), format: "registration" })).toEqual(t1)
          expect(await v.tokenize({ ...card("m-opq", "c1", PAN_A), requestToken: "MASKEDPAN" })).toEqual(t1)
          const later = await v.tokenize(card("m-opq", "c1", PAN_A, "12/29"))
          expect(later.token).toBe(t1.token)
          expect(later).toMatchObject({ expiryMonth: 12, expiryYear: 2029, retainUntil: refCardRetention(12, 2029) })
          const earlier = await v.tokenize(card("m-opq", "c1", PAN_A, "12/28"))
          expect(earlier).toMatchObject({ token: t1.token, expiryYear: 2029 })
          expect((await v.getToken("m-opq", t1.token)).expiryYear).toBe(2029)
          // Another customer, or no customer, is another token; no customer twice is one token.
          const t2 = await v.tokenize(card("m-opq", "c2", PAN_A))
          const anon = await v.tokenize(card("m-opq", undefined, PAN_A))
          expect(await v.tokenize(card("m-opq", undefined, PAN_A))).toEqual(anon)
          expect(new Set([t1.token, t2.token, anon.token]).size).toBe(3)
          // Another merchant (another scope) is another token.
          const t3 = await v.tokenize(card("m-reg", "c1", PAN_A))
          expect(t3.token).not.toBe(t1.token)
          // A suspended token is not reused; resuming it while another is ACTIVE is refused.
          await v.updateStatus("m-opq", t1.token, "SUSPENDED")
          const t4 = await v.tokenize(card("m-opq", "c1", PAN_A))
          expect(t4.token).not.toBe(t1.token)
          await expectCode(v.updateStatus("m-opq", t1.token, "ACTIVE"), "ILLEGAL_TRANSITION")
          await v.deleteToken("m-opq", t4.token)
          expect((await v.updateStatus("m-opq", t1.token, "ACTIVE")).status).toBe("ACTIVE")
          expect(d.tracker.tokens.size).toBe(5)
        })
      )
    })

    describe("groups", () => {
      it(
        "[GROUP-ACCESS][GROUP-MEMBERSHIP] join with and without tokens, share, leave taking and leaving tokens; outsiders see nothing",
        run(async (d, v) => {
          for (const m of ["g1", "g2", "g3"]) await v.addMerchant({ merchantId: m })
          const t1 = await v.tokenize(card("g1", "c1", PAN_A))
          const t2 = await v.tokenize(card("g2", "c2", PAN_B))
          await v.createGroup("G")
          await expectCode(v.createGroup("G"), "GROUP_EXISTS")
          await expectCode(v.createGroup("bad group!"), "INVALID_INPUT")
          await expectCode(v.joinGroup("nope", "g1", true), "GROUP_UNKNOWN")
          expect(await v.joinGroup("G", "g1", true)).toBe(1)
          await expectCode(v.joinGroup("G", "g1", false), "GROUP_MEMBERSHIP")
          expect(await v.joinGroup("G", "g2", false)).toBe(0)

          // g2 uses g1's shared token; g2's own earlier token stays private.
          expect((await v.getToken("g2", t1.token)).merchantId).toBe("g1")
          const cit = await v.authorizeUse({ merchantId: "g2", token: t1.token, ...CIT_INITIAL })
          await v.authorizeUse({ merchantId: "g1", token: t1.token, source: "MIT", mode: "REPEATED", type: "RECURRING", initialTransactionId: cit.transactionId })
          await expectCode(v.getToken("g1", t2.token), "TOKEN_NOT_FOUND", "100.150.200")
          expect((await v.getToken("g2", t2.token)).token).toBe(t2.token)
          // The outsider gets exactly what a missing token gives.
          const outsider = await rejection(v.authorizeUse({ merchantId: "g3", token: t1.token, ...CIT_REPEATED }))
          const missing = await rejection(v.authorizeUse({ merchantId: "g3", token: absentToken.opaque, ...CIT_REPEATED }))
          expectTokenError(outsider, "TOKEN_NOT_FOUND", "100.150.200")
          expect(observable(outsider)).toEqual(observable(missing))
          expect(await v.listByMerchant("g3")).toEqual([])

          // New tokens of a member are the group's.
          const t3 = await v.tokenize(card("g2", "c3", PAN_C))
          expect((await d.tracker.get(t3.token))?.scope).toBe("group:G")
          await v.authorizeUse({ merchantId: "g1", token: t3.token, ...CIT_REPEATED })
          expect((await v.listByMerchant("g1")).map((t) => t.token).sort()).toEqual([t1.token, t3.token].sort())
          expect((await v.listByCustomer("g2", "c1")).map((t) => t.token)).toEqual([t1.token])
          // Members update each other's tokens.
          await v.updateStatus("g2", t1.token, "SUSPENDED")
          await expectCode(v.authorizeUse({ merchantId: "g1", token: t1.token, ...CIT_REPEATED }), "TOKEN_SUSPENDED")
          await v.updateStatus("g1", t1.token, "ACTIVE")

          // g2 leaves taking its tokens: t3 goes back to g2 only.
          expect(await v.leaveGroup("G", "g2", true)).toBe(1)
          await expectCode(v.getToken("g1", t3.token), "TOKEN_NOT_FOUND", "100.150.200")
          expect((await v.getToken("g2", t3.token)).token).toBe(t3.token)
          await expectCode(v.getToken("g2", t1.token), "TOKEN_NOT_FOUND", "100.150.200")
          await expectCode(v.leaveGroup("G", "g2", true), "GROUP_MEMBERSHIP")

          // g1 leaves its tokens with the group: g1 loses them, a new member has them.
          expect(await v.leaveGroup("G", "g1", false)).toBe(0)
          await expectCode(v.getToken("g1", t1.token), "TOKEN_NOT_FOUND", "100.150.200")
          expect(await v.joinGroup("G", "g3", false)).toBe(0)
          expect((await v.getToken("g3", t1.token)).merchantId).toBe("g1")
          expect((await v.deleteToken("g3", t1.token)).status).toBe("DELETED")
          await expectCode(v.leaveGroup("nope", "g3", true), "GROUP_UNKNOWN")
          await expectCode(v.leaveGroup("G", "g1", false), "GROUP_MEMBERSHIP")
        })
      )

      it(
        "[GROUP-MEMBERSHIP][DUPLICATE-CARD] a join that would leave two ACTIVE tokens for one card and customer fails and changes nothing",
        run(async (d, v) => {
          for (const m of ["d1", "d2"]) await v.addMerchant({ merchantId: m })
          await v.createGroup("D")
          await v.joinGroup("D", "d1", false)
          const shared = await v.tokenize(card("d1", "c1", PAN_A))
          const own = await v.tokenize(card("d2", "c1", PAN_A))
          const other = await v.tokenize(card("d2", "c2", PAN_B))
          const before = await d.tracker.records()
          await expectCode(v.joinGroup("D", "d2", true), "GROUP_MEMBERSHIP")
          expect(await d.tracker.records()).toEqual(before)
          await expectCode(v.getToken("d2", shared.token), "TOKEN_NOT_FOUND")
          await expectCode(v.getToken("d1", own.token), "TOKEN_NOT_FOUND")
          await expectCode(v.getToken("d1", other.token), "TOKEN_NOT_FOUND")
          // Joining without the tokens works.
          expect(await v.joinGroup("D", "d2", false)).toBe(0)
          expect((await v.getToken("d2", shared.token)).token).toBe(shared.token)
        })
      )
    })

    describe("no PAN leak", () => {
      it(
        "[NO-PAN-LEAK][PAN-REDACTED] no response, error, stack or stored record shows a canary in any form",
        run(async (d, v) => {
          const pans = [PAN_A, PAN_B, PAN_C, PAN_D]
          const made: Array<string> = []
          for (const [i, pan] of pans.entries()) {
            for (const m of ["m-reg", "m-std", "m-opq"]) {
              made.push((await v.tokenize({ ...card(m, `c${i}`, pan), merchantRequestId: `r-${i}` })).token)
            }
            made.push((await v.tokenize({ ...card("m-cus", `c${i}`, pan), requestToken: `Leak_Check_${i}x` })).token)
          }
          made.push((await v.tokenize({ merchantId: "m-opq", customerId: "b", iban: IBAN_A })).token)
          // Errors carrying canaries in their requests.
          const failures = [
            v.tokenize(card("m-opq", "c1", PAN_LUHN_BAD)),
            v.tokenize(card("m-opq", "c1", PAN_A, "12/20")),
            v.tokenize(card("m-opq", "c1", `${PAN_A}0000`)),
            v.tokenize(card("m-opq", "c1", PAN_A.replace(/(.{4})/g, "$1 ").trim())),
            v.tokenize({ merchantId: "m-opq", pan: Number(PAN_A) as never, expiry: "12/27" }),
            v.tokenize({ ...card("m-opq", "c0", PAN_B), merchantRequestId: "r-0" }),
            v.tokenize({ ...card("m-cus", "c9", PAN_B), requestToken: "Leak_Check_0x" }),
            v.tokenize({ ...card("m-cus", "c9", PAN_B), requestToken: PAN_B }),
            v.tokenize({ ...card("m-off", "c9", PAN_B) }),
            v.tokenize({ merchantId: "m-opq", iban: IBAN_B.slice(0, -1) + "9" }),
            v.getToken("m-opq", PAN_A),
            v.authorizeUse({ merchantId: "m-opq", token: PAN_A, ...CIT_REPEATED }),
            v.updateExpiry("m-opq", made[2]!, PAN_A as never),
            v.listByCustomer("m-opq", PAN_D + "!")
          ]
          for (const f of failures) {
            const e = await rejection(f)
            expect((e as { _tag?: unknown })._tag).toBe("TokenError")
          }
          for (const token of made) {
            const m = (await d.tracker.get(token))!.merchantId
            const use = await v.authorizeUse({ merchantId: m, token, ...CIT_INITIAL })
            expectNoLeak(use, "authorization (Pan and Iban print masked)")
            await v.checkToken(m, token)
            await v.listOneClick(m, "c0")
            await v.updateStatus(m, token, "SUSPENDED")
            await v.deleteToken(m, token)
          }
          await d.setTime(at(2031, 1, 1))
          await v.sweep()
          // expectDriverClean (run after this body) checks d.seen and every stored record.
          expect(d.seen.length).toBeGreaterThan(100)
        })
      )

      it(
        "[FINGERPRINT-KEYED][NO-PAN-LEAK] stored fingerprints are keyed: not SHA-256 of the card in any encoding",
        run(async (d, v) => {
          const t = await v.tokenize(card("m-opq", "c1", PAN_A))
          const fp = (await d.tracker.get(t.token))!.fingerprint!
          const plain = [PAN_A, `C:${PAN_A}`]
          for (const p of plain) {
            for (const algo of ["sha256", "sha1", "sha512", "md5"]) {
              for (const enc of ["hex", "base64", "base64url"] as const) {
                expect(fp).not.toBe(createHash(algo).update(p).digest(enc))
              }
            }
          }
          expect(fp).toMatch(/^[A-Za-z0-9_-]{43}$/)
        })
      )
    })
  })
}

