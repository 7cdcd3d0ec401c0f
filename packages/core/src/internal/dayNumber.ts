/**
 * Dates as day numbers: `YYYY-MM-DD` as the number `YYYYMMDD`, which orders
 * as the dates do. `IsoDate` validates and compares with it, and
 * `PaymentUse.authorize` compares a retention date with the day of an instant
 * without writing that day as text.
 *
 * @internal
 */

/** Days in a month of a valid year and month (no checks). */
export const monthDays = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
    : month === 4 || month === 6 || month === 9 || month === 11
    ? 30
    : 31

/** The ASCII digit at `i` of `s`, or NaN (which fails every range check). */
const digitAt = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : NaN
}

/**
 * The day number of a year, month and day, or NaN unless they are integers
 * that make a date in the years 0000–9999 (`IsoDate.years`; `IsoDate.make`
 * validates with this).
 */
export const ofParts = (year: number, month: number, day: number): number =>
  Number.isInteger(year) && year >= 0 && year <= 9999 && Number.isInteger(month) && month >= 1 && month <= 12 &&
    Number.isInteger(day) && day >= 1 && day <= monthDays(year, month)
    ? year * 10000 + month * 100 + day
    : NaN

/**
 * The day number of a valid `YYYY-MM-DD` date, else NaN. No regex and no
 * allocation: it runs on every retention check.
 */
export const ofText = (date: unknown): number => {
  if (typeof date !== "string" || date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return NaN
  const year = digitAt(date, 0) * 1000 + digitAt(date, 1) * 100 + digitAt(date, 2) * 10 + digitAt(date, 3)
  const month = digitAt(date, 5) * 10 + digitAt(date, 6)
  const day = digitAt(date, 8) * 10 + digitAt(date, 9)
  return ofParts(year, month, day)
}
