/**
 * UTC calendar dates as `YYYY-MM-DD` strings, and the month arithmetic that
 * retention needs. Strings sort in date order, so stores can index them.
 *
 * **Supported range**
 *
 * Years 0000 to 9999 of the proleptic Gregorian calendar ({@link years}):
 * what four digits can write and what sorts correctly as text. Every
 * function refuses anything outside it, and any value that is not a date,
 * with a typed `INVALID_INPUT` error (thrown, since these functions return
 * plain values) instead of a wrong date: {@link fromDateTime} of an instant
 * in year 10000, {@link addMonths} past 9999-12-31, {@link make} of month 13.
 * {@link parse} answers `undefined` instead.
 *
 * @since 0.1.0
 */
import { DateTime } from "effect"
import * as DayNumber from "./internal/dayNumber.ts"
import { ensure, invalidInput, isRecord } from "./internal/input.ts"

/**
 * A UTC calendar date, `YYYY-MM-DD`, within {@link years}.
 *
 * @category models
 * @since 0.1.0
 */
export type IsoDate = string & { readonly IsoDate: unique symbol }

/**
 * The parts of a calendar date; `month` is 1–12.
 *
 * @category models
 * @since 0.1.0
 */
export interface Parts {
  readonly year: number
  readonly month: number
  readonly day: number
}

/**
 * The supported years, inclusive: four-digit years only.
 *
 * @category models
 * @since 0.1.0
 */
export const years = { min: 0, max: 9999 } as const

const DATE = "a YYYY-MM-DD date"

const isYear = (year: unknown): year is number => Number.isInteger(year) && (year as number) >= years.min && (year as number) <= years.max
const isMonth = (month: unknown): month is number => Number.isInteger(month) && (month as number) >= 1 && (month as number) <= 12

/** The key of a valid date; throws a typed error for anything else. */
const checkedKey = (date: IsoDate): number => {
  const key = DayNumber.ofText(date)
  if (Number.isNaN(key)) throw invalidInput("A date", DATE, date)
  return key
}

const checkYearMonth = (year: number, month: number): void =>
  ensure(isYear(year) && isMonth(month), "A year and month", "a year 0000–9999 and a month 1–12", isYear(year) ? month : year)

/** `n` (a valid year, month or day) zero-padded to `width` digits, without `padStart` on the common widths. */
const pad = (n: number, width: 2 | 4): string =>
  width === 2 ? (n < 10 ? "0" + n : "" + n) : n >= 1000 ? "" + n : String(n).padStart(4, "0")

/**
 * Builds an {@link IsoDate} from parts, checking them: integer year in
 * {@link years}, month 1–12, day within the month. Throws a typed
 * `INVALID_INPUT` error otherwise.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (parts: Parts): IsoDate => {
  const ok = isRecord(parts) && !Number.isNaN(DayNumber.ofParts(parts.year, parts.month, parts.day))
  ensure(ok, "A date", "a year 0000–9999, a month 1–12 and a day of that month", parts)
  return `${pad(parts.year, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}` as IsoDate
}

/**
 * The parts of an {@link IsoDate}. Throws a typed `INVALID_INPUT` error for
 * anything that is not a valid date.
 *
 * @category getters
 * @since 0.1.0
 */
export const toParts = (date: IsoDate): Parts => {
  const key = checkedKey(date)
  return { year: Math.floor(key / 10000), month: Math.floor(key / 100) % 100, day: key % 100 }
}

/**
 * Days in a month of the proleptic Gregorian calendar (leap years by the 4 /
 * 100 / 400 rule). Throws a typed `INVALID_INPUT` error for a year outside
 * {@link years} or a month outside 1–12.
 *
 * @category math
 * @since 0.1.0
 */
export const daysInMonth = (year: number, month: number): number => {
  checkYearMonth(year, month)
  return DayNumber.monthDays(year, month)
}

/**
 * Adds `months` calendar months (an integer, negative to go back), clamping
 * the day to the end of the target month: 31 January + 1 month is 28 (or
 * 29) February, and 29 February + 12 months is 28 February. Year rollover is
 * handled (December + 1 is January). A result outside {@link years} is a
 * typed `INVALID_INPUT` error, never a wrapped or 5-digit year.
 *
 * @category math
 * @since 0.1.0
 */
export const addMonths = (date: IsoDate, months: number): IsoDate => {
  const { day, month, year } = toParts(date)
  ensure(Number.isSafeInteger(months), "months", "an integer", months)
  const index = year * 12 + (month - 1) + months
  const y = Math.floor(index / 12)
  const m = index - y * 12 + 1
  return make({ year: y, month: m, day: Math.min(day, DayNumber.monthDays(y, m)) })
}

/**
 * The first day of the month after `year`/`month`: the instant a card with
 * that expiry stops being valid. Throws a typed `INVALID_INPUT` error for
 * a bad month, or when that day falls after 9999-12-31.
 *
 * @category math
 * @since 0.1.0
 */
export const firstOfNextMonth = (year: number, month: number): IsoDate => {
  checkYearMonth(year, month)
  return month === 12 ? make({ year: year + 1, month: 1, day: 1 }) : make({ year, month: month + 1, day: 1 })
}

/**
 * The UTC calendar date of an instant. Throws a typed `INVALID_INPUT` error
 * for anything that is not a `DateTime`, or an instant outside {@link years}.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromDateTime = (now: DateTime.DateTime): IsoDate => {
  ensure(DateTime.isDateTime(now), "now", "a DateTime", now)
  const p = DateTime.toPartsUtc(now)
  return make({ year: p.year, month: p.month, day: p.day })
}

/**
 * Parses a `YYYY-MM-DD` string into a valid {@link IsoDate}, or `undefined`
 * (never throws).
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (input: unknown): IsoDate | undefined => (Number.isNaN(DayNumber.ofText(input)) ? undefined : input as IsoDate)

/**
 * Orders two dates: negative, zero or positive. Throws a typed
 * `INVALID_INPUT` error unless both are valid dates.
 *
 * @category math
 * @since 0.1.0
 */
export const compare = (a: IsoDate, b: IsoDate): number => {
  const x = checkedKey(a)
  const y = checkedKey(b)
  return x < y ? -1 : x > y ? 1 : 0
}
