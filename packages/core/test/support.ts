/**
 * Shared test support: independent models (written here, not imported from
 * src), arbitraries, nasty inputs and assertions on typed errors.
 */
import { Result } from "effect"
import { expect } from "vitest"
import * as Pan from "../src/Pan.ts"
import * as Rules from "../src/Rules.ts"
import * as TokenError from "../src/TokenError.ts"
import { fc } from "./fc.ts"

// ---------------------------------------------------------------------------
// Results and typed errors
// ---------------------------------------------------------------------------

/** The success of `r`, or a test failure. */
export const success = <A, E>(r: Result.Result<A, E>): A => {
  if (Result.isSuccess(r)) return r.success
  const e = r.failure as { readonly code?: unknown }
  throw new Error(`expected a success, got a failure with code ${String(e?.code)}`)
}

const ruleIds: ReadonlySet<string> = new Set(Rules.all.map((r) => r.id))

/** Runs of 6 or more ASCII digits in `u` (when it is a string): what no message may repeat. */
export const digitRuns = (u: unknown): ReadonlyArray<string> =>
  typeof u === "string" ? u.slice(0, 4096).match(/[0-9]{6,}/g) ?? [] : []

/** Fails the test with `message` unless `condition` holds (cheaper than `expect` in hot loops). */
export const check = (condition: boolean, message: () => string): void => {
  if (!condition) throw new Error(message())
}

/**
 * Asserts that `e` is a typed {@link TokenError.TokenError}: tag, a code from
 * the catalogue, a registered rule ID (when it names one), and no run of the
 * input's digits in its message, JSON or string form.
 */
export const expectTypedError = (e: unknown, input?: unknown): TokenError.TokenError => {
  check(TokenError.isTokenError(e), () => `expected a TokenError, got ${String(e)}`)
  const err = e as TokenError.TokenError
  check(err._tag === "TokenError", () => `expected _tag TokenError, got ${String(err._tag)}`)
  check(TokenError.errorCodes.includes(err.code), () => `unknown error code ${String(err.code)}`)
  check(err.rule === undefined || ruleIds.has(err.rule), () => `unregistered rule ${String(err.rule)}`)
  const runs = digitRuns(input)
  if (runs.length > 0) {
    const texts = [err.message, JSON.stringify(err), String(err)]
    for (const run of runs) {
      for (let i = 0; i + 6 <= run.length && i < 32; i++) {
        const window = run.slice(i, i + 6)
        for (const text of texts) check(!text.includes(window), () => `error text repeats input digits ${window}: ${text}`)
      }
    }
  }
  return err
}

/** The failure of `r`, asserted typed and (optionally) with `code`. */
export const failure = <A>(r: Result.Result<A, TokenError.TokenError>, code?: TokenError.ErrorCode, input?: unknown) => {
  if (Result.isSuccess(r)) throw new Error(`expected a failure${code === undefined ? "" : ` with code ${code}`}, got a success`)
  const err = expectTypedError(r.failure, input)
  if (code !== undefined) expect(err.code).toBe(code)
  return err
}

/** What calling `f` gave: its value, or what it threw. */
export const outcome = (f: () => unknown): { readonly threw: false; readonly value: unknown } | { readonly threw: true; readonly error: unknown } => {
  try {
    return { threw: false, value: f() }
  } catch (error) {
    return { threw: true, error }
  }
}

/**
 * Asserts that `f` throws a typed `INVALID_INPUT` error (rule INPUT-TYPED)
 * whose texts repeat none of the digits of `inputs`; returns it.
 */
export const expectInvalidInput = (f: () => unknown, ...inputs: ReadonlyArray<unknown>): TokenError.TokenError => {
  const o = outcome(f)
  check(o.threw, () => "expected a thrown INVALID_INPUT error, got a value")
  const err = expectTypedError(o.threw ? o.error : undefined)
  for (const input of inputs) expectTypedError(err, input)
  check(err.code === "INVALID_INPUT", () => `expected INVALID_INPUT, got ${err.code}`)
  return err
}

/**
 * Asserts that `f` either returns a value passing `ok`, or throws a typed
 * `INVALID_INPUT` error repeating none of the digits of `inputs`.
 */
export const expectValueOrInvalidInput = (f: () => unknown, ok: (value: unknown) => boolean, ...inputs: ReadonlyArray<unknown>): void => {
  const o = outcome(f)
  if (o.threw) expectInvalidInput(() => {
    throw o.error
  }, ...inputs)
  else check(ok(o.value), () => `unexpected value of type ${typeof o.value}`)
}

/** True when `r` is a Result whose failure (if any) is a typed error; asserts it. */
export const expectTypedResult = (r: unknown, input?: unknown): void => {
  check(Result.isResult(r), () => "expected a Result")
  const res = r as Result.Result<unknown, unknown>
  if (Result.isFailure(res)) expectTypedError(res.failure, input)
}

// ---------------------------------------------------------------------------
// Independent models
// ---------------------------------------------------------------------------

const DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9] as const

/** Luhn (mod 10), written independently of src: every second digit from the right is doubled. */
export const luhn = (digits: string): boolean => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48
    sum += i % 2 === 1 ? DOUBLED[d]! : d
  }
  return sum % 10 === 0
}

/** `body` plus the check digit that makes it Luhn-valid. */
export const withCheckDigit = (body: string): string => {
  for (let d = 0; d <= 9; d++) if (luhn(body + d)) return body + d
  throw new Error("unreachable: some check digit always fits")
}

/** What a scanner would take for a card number: 12–19 ASCII digits passing Luhn. */
export const looksLikePan = (s: string): boolean => /^[0-9]{12,19}$/.test(s) && luhn(s)

/** Days in `month` (1–12) of `year`, from the JS Date (allowed in tests). */
export const refDaysInMonth = (year: number, month: number): number => {
  const d = new Date(0)
  d.setUTCFullYear(year, month, 0)
  return d.getUTCDate()
}

/** `YYYY-MM-DD` from the JS Date (years 0–9999). */
export const refIso = (year: number, month: number, day: number): string => {
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  return d.toISOString().slice(0, 10)
}

/** Adds calendar months with end-of-month clamping, from the JS Date. */
export const refAddMonths = (iso: string, months: number): string => {
  const [year, month, day] = iso.split("-").map(Number) as [number, number, number]
  const first = new Date(0)
  first.setUTCFullYear(year, month - 1 + months, 1)
  const y = first.getUTCFullYear()
  const m = first.getUTCMonth() + 1
  return refIso(y, m, Math.min(day, refDaysInMonth(y, m)))
}

/** The first instant (epoch ms) after a card with this expiry stops being valid. */
export const refExpiryInstant = (month: number, year: number): number => {
  const d = new Date(0)
  d.setUTCFullYear(year, month, 1)
  return d.getTime()
}

/** Axerve's custom-token rules, written independently: the gateway codes a value breaks, in the order 1160, 1161, 1162. */
export const customModel = (s: string): ReadonlyArray<"1160" | "1161" | "1162"> => {
  const codes: Array<"1160" | "1161" | "1162"> = []
  if (s.length < 10 || s.length > 20) codes.push("1160")
  if ((s.match(/[0-9]/g) ?? []).length > 8) codes.push("1161")
  if (/[^A-Za-z0-9_]/.test(s)) codes.push("1162")
  return codes
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

export const DIGITS = "0123456789"
export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
export const LOWER = "abcdefghijklmnopqrstuvwxyz"
export const ALNUM = DIGITS + UPPER

export const digitChar = fc.constantFrom(...DIGITS)

/** ASCII digit strings. */
export const digits = (minLength: number, maxLength: number) => fc.string({ unit: digitChar, minLength, maxLength })

/** 12–19 ASCII digits, Luhn-valid or not. */
export const panDigits = digits(12, 19)

/** 12–19 ASCII digits that pass Luhn. */
export const luhnPanDigits = digits(11, 18).map(withCheckDigit)

/** Any 12–19 digit card number, parsed with `luhn: "report"`. */
export const anyPan = panDigits.map((d) => success(Pan.parse(d, { luhn: "report" })))

/** Luhn-valid card numbers, parsed with the default policy. */
export const validPan = luhnPanDigits.map((d) => success(Pan.parse(d)))

/** Merchant prefixes: 4 of [A-Z0-9], with all-digit ones well represented. */
export const prefix = fc.oneof(fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 4, maxLength: 4 }), digits(4, 4))

/**
 * Valid custom-token values, built rather than filtered: 10–20 characters of
 * letters (either case), digits and `_`, with extra digits past the 8th
 * turned into letters. A third of the characters are digits, so values with
 * exactly 8 digits are common.
 */
export const customValue = fc
  .string({ unit: fc.oneof(digitChar, fc.constantFrom(...UPPER, ...LOWER), fc.constant("_")), minLength: 10, maxLength: 20 })
  .map((s) => {
    let seen = 0
    let out = ""
    for (const c of s) out += c >= "0" && c <= "9" && ++seen > 8 ? "Q" : c
    return out
  })

const MIN_MS = Date.UTC(1000, 0, 1)
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** Instants with 4-digit years (the domain of `YYYY-MM-DD` dates). */
export const instant = fc.date({ min: new Date(MIN_MS), max: new Date(MAX_MS), noInvalidDate: true })

/** ISO dates 1000-01-01 … 9999-12-31, biased to month ends and 29 February. */
export const isoDate = fc.oneof(
  instant.map((d) => d.toISOString().slice(0, 10)),
  fc.record({ year: fc.integer({ min: 1000, max: 9999 }), month: fc.integer({ min: 1, max: 12 }) }).map(({ month, year }) =>
    refIso(year, month, refDaysInMonth(year, month))
  ),
  fc.integer({ min: 250, max: 2499 }).map((q) => refIso(q * 4, 2, refDaysInMonth(q * 4, 2)))
)

// ---------------------------------------------------------------------------
// Nasty inputs
// ---------------------------------------------------------------------------

/** About 1 MiB. */
export const MIB = 1 << 20

/** Specific bad inputs every boundary function must survive. */
export const nastyValues: ReadonlyArray<unknown> = [
  undefined,
  null,
  0,
  -0,
  1,
  -1,
  NaN,
  Infinity,
  -Infinity,
  4111111111111111,
  4111111111111111n,
  12n,
  true,
  false,
  Symbol("4111111111111111"),
  {},
  [],
  ["4111111111111111"],
  [4, 1, 1, 1],
  { toString: () => "4111111111111111" },
  { valueOf: () => 4111111111111111 },
  Object.create(null),
  Object.freeze({ pan: "4111111111111111" }),
  new Date(NaN),
  new Map([["4111111111111111", "x"]]),
  new Set(["MASKEDPAN"]),
  new Uint8Array(32),
  () => "4111111111111111",
  new String("4111111111111111"),
  "",
  " ",
  "\u0000",
  "\ud800",
  "٤١١١١١١١١١١١١١١١", // Arabic-Indic digits
  "４１１１１１１１１１１１１１１１", // full-width digits
  "٤",
  "４",
  "4111 1111 1111 1111",
  "4111-1111-1111-1111",
  "41111111111", // 11 digits
  "41111111111111111111", // 20 digits
  "4111111111111111\n",
  " 4111111111111111",
  "+4111111111111111",
  "4111111111111111".repeat(4) + "1", // 65 digits
  "__proto__",
  "constructor",
  "toString",
  "MASKEDPAN ",
  ":FORCED:",
  "13/25",
  "00/25",
  "4".repeat(MIB),
  "x".repeat(MIB),
  "٤".repeat(MIB)
]

/** Strings of every kind: ASCII, full Unicode (lone surrogates included), and digit-heavy ones. */
export const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  digits(0, 25),
  fc.string({ unit: fc.constantFrom(..."0123456789٤４ _-/:"), maxLength: 25 }),
  fc.constantFrom(...nastyValues.filter((v): v is string => typeof v === "string"))
)

/** Anything at all: fast-check's `anything` with every option on, nasty strings and the specific values. */
export const anything = fc.oneof(
  fc.anything({
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withTypedArray: true,
    withSparseArray: true,
    stringUnit: "binary"
  }),
  nastyString,
  fc.constantFrom(...nastyValues)
)
