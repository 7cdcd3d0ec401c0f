/**
 * UTC calendar dates as `YYYY-MM-DD` strings, and the month arithmetic that
 * retention needs. Strings sort in date order, so stores can index them.
 *
 * @since 0.1.0
 */
import { DateTime } from "effect"

/**
 * A UTC calendar date, `YYYY-MM-DD`.
 *
 * **Gotchas**
 *
 * {@link make} does not validate; use it with parts you computed.
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

const pad = (n: number, w: number): string => String(n).padStart(w, "0")

/**
 * Builds an {@link IsoDate} from parts.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (parts: Parts): IsoDate => `${pad(parts.year, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}` as IsoDate

/**
 * The parts of an {@link IsoDate}.
 *
 * @category getters
 * @since 0.1.0
 */
export const toParts = (date: IsoDate): Parts => ({
  year: Number(date.slice(0, 4)),
  month: Number(date.slice(5, 7)),
  day: Number(date.slice(8, 10))
})

/**
 * Days in a month of the proleptic Gregorian calendar (leap years by the 4 /
 * 100 / 400 rule).
 *
 * @category math
 * @since 0.1.0
 */
export const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
    : [4, 6, 9, 11].includes(month)
    ? 30
    : 31

/**
 * Adds `months` calendar months, clamping the day to the end of the target
 * month: 31 January + 1 month is 28 (or 29) February, and 29 February + 12
 * months is 28 February. Year rollover is handled (December + 1 is January).
 *
 * @category math
 * @since 0.1.0
 */
export const addMonths = (date: IsoDate, months: number): IsoDate => {
  const { day, month, year } = toParts(date)
  const index = year * 12 + (month - 1) + months
  const y = Math.floor(index / 12)
  const m = index - y * 12 + 1
  return make({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) })
}

/**
 * The first day of the month after `year`/`month`: the instant a card with
 * that expiry stops being valid.
 *
 * @category math
 * @since 0.1.0
 */
export const firstOfNextMonth = (year: number, month: number): IsoDate =>
  month === 12 ? make({ year: year + 1, month: 1, day: 1 }) : make({ year, month: month + 1, day: 1 })

/**
 * The UTC calendar date of an instant.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromDateTime = (now: DateTime.DateTime): IsoDate => {
  const p = DateTime.toPartsUtc(now)
  return make({ year: p.year, month: p.month, day: p.day })
}

/**
 * Parses a `YYYY-MM-DD` string into a valid {@link IsoDate}, or `undefined`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const parse = (input: unknown): IsoDate | undefined => {
  if (typeof input !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(input)) return undefined
  const p = toParts(input as IsoDate)
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysInMonth(p.year, p.month)) return undefined
  return input as IsoDate
}

/**
 * Orders two dates: negative, zero or positive.
 *
 * @category math
 * @since 0.1.0
 */
export const compare = (a: IsoDate, b: IsoDate): number => (a < b ? -1 : a > b ? 1 : 0)
