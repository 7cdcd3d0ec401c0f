/**
 * Card expiry dates: parsing from the gateways' formats and the "valid
 * through the end of the month" rule.
 *
 * @since 0.1.0
 */
import { DateTime, Result } from "effect"
import { describeInput, isAsciiDigits } from "./internal/digits.ts"
import { ensure, isRecord } from "./internal/input.ts"
import * as IsoDate from "./IsoDate.ts"
import * as TokenError from "./TokenError.ts"

/**
 * A card's expiry month (1–12) and 4-digit year. {@link make} and
 * {@link parse} give years 2000–2999; {@link expiresOn}, {@link isExpired}
 * and {@link format} take years 0–9999 and throw a typed `INVALID_INPUT`
 * error for anything else.
 *
 * @category models
 * @since 0.1.0
 */
export interface Expiry {
  readonly month: number
  readonly year: number
}

/**
 * The text formats an expiry arrives in:
 *
 * - `MM/YY`: the CLI and card faces (`MM/YYYY` also accepted);
 * - `MMYY`: Axerve's `expiryMonth` + `expiryYear` (`MMYYYY` also accepted);
 * - `YYMM`: AlliancePay's `encryptedExpDate` (`2503` is March 2025; `YYYYMM` also accepted).
 *
 * @category models
 * @since 0.1.0
 */
export type Format = "MM/YY" | "MMYY" | "YYMM"

const invalid = (message?: string) => TokenError.make("EXPIRY_INVALID", { rule: "EXPIRY-FORMAT", message })

/**
 * Builds an {@link Expiry} from a month and a 2- or 4-digit year (2-digit
 * years are 20YY). Refuses month 0 or 13 and non-integers.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (month: unknown, year: unknown): Result.Result<Expiry, TokenError.TokenError> => {
  if (typeof month !== "number" || typeof year !== "number" || !Number.isInteger(month) || !Number.isInteger(year)) {
    return Result.fail(invalid("Expiry month and year must be integers."))
  }
  if (month < 1 || month > 12) return Result.fail(TokenError.make("EXPIRY_INVALID_MONTH", { rule: "EXPIRY-FORMAT" }))
  const fullYear = year >= 0 && year <= 99 ? 2000 + year : year
  if (fullYear < 2000 || fullYear > 2999) return Result.fail(invalid("Expiry year must be 00–99 or 2000–2999."))
  return Result.succeed({ month, year: fullYear })
}

/**
 * Parses an expiry string in `format`. Never throws.
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (input: unknown, format: Format): Result.Result<Expiry, TokenError.TokenError> => {
  if (typeof input !== "string") return Result.fail(invalid(`An expiry must be a string, got ${describeInput(input)}.`))
  if (input.length > 7) return Result.fail(invalid())
  let mm: string
  let yy: string
  switch (format) {
    case "MM/YY": {
      const slash = input.indexOf("/")
      if (slash !== 2) return Result.fail(invalid("Expected MM/YY."))
      mm = input.slice(0, 2)
      yy = input.slice(3)
      break
    }
    case "MMYY": {
      mm = input.slice(0, 2)
      yy = input.slice(2)
      break
    }
    case "YYMM": {
      yy = input.slice(0, input.length - 2)
      mm = input.slice(input.length - 2)
      break
    }
    default:
      return Result.fail(invalid("Unknown expiry format."))
  }
  if (!isAsciiDigits(mm) || mm.length !== 2 || !isAsciiDigits(yy) || (yy.length !== 2 && yy.length !== 4)) {
    return Result.fail(invalid(`Expected ${format} with a 2- or 4-digit year.`))
  }
  // A 4-digit year is taken as written: `0025` is not 2025.
  if (yy.length === 4 && Number(yy) < 2000) return Result.fail(invalid("Expiry year must be 00–99 or 2000–2999."))
  return make(Number(mm), Number(yy))
}

/**
 * True when `u` is an {@link Expiry}: an integer month 1–12 and an integer
 * year 0–9999.
 *
 * @category guards
 * @since 0.1.0
 */
export const isExpiry = (u: unknown): u is Expiry =>
  isRecord(u) && Number.isInteger(u.month) && (u.month as number) >= 1 && (u.month as number) <= 12 &&
  Number.isInteger(u.year) && (u.year as number) >= IsoDate.years.min && (u.year as number) <= IsoDate.years.max

/** Throws a typed error unless `expiry` is an {@link Expiry}. */
const check = (expiry: Expiry): void => ensure(isExpiry(expiry), "An expiry", "{ month: 1–12, year: 0–9999 }", expiry)

/**
 * The first day after the card's validity (the first of the month after the
 * expiry month). A card is valid strictly before this date. December 9999
 * has no such date: a typed `INVALID_INPUT` error.
 *
 * @category getters
 * @since 0.1.0
 */
export const expiresOn = (expiry: Expiry): IsoDate.IsoDate => {
  check(expiry)
  return IsoDate.firstOfNextMonth(expiry.year, expiry.month)
}

/**
 * True when the card has expired at `now`: a card is valid through the last
 * day of its expiry month, UTC. Any `DateTime` is accepted, whatever its
 * year.
 *
 * @category predicates
 * @since 0.1.0
 */
export const isExpired = (expiry: Expiry, now: DateTime.DateTime): boolean => {
  check(expiry)
  ensure(DateTime.isDateTime(now), "now", "a DateTime", now)
  const { month, year } = DateTime.toPartsUtc(now)
  return year > expiry.year || (year === expiry.year && month > expiry.month)
}

/**
 * `MM/YY` text of an expiry.
 *
 * @category encoding
 * @since 0.1.0
 */
export const format = (expiry: Expiry): string => {
  check(expiry)
  return `${String(expiry.month).padStart(2, "0")}/${String(expiry.year % 100).padStart(2, "0")}`
}
