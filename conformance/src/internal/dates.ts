/**
 * Calendar arithmetic for the gateway model, written independently of the
 * core's (the model is an oracle, not a copy): UTC dates as `YYYY-MM-DD`,
 * instants as ISO strings.
 */

const pad = (n: number, w: number): string => String(n).padStart(w, "0")

const lastDay = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** The UTC date of an ISO instant. */
export const today = (instant: string): string => instant.slice(0, 10)

/** `date` plus `months` calendar months, the day clamped to the target month's end. */
export const addMonths = (date: string, months: number): string => {
  const y = Number(date.slice(0, 4))
  const m = Number(date.slice(5, 7))
  const d = Number(date.slice(8, 10))
  const total = y * 12 + (m - 1) + months
  const ty = Math.floor(total / 12)
  const tm = total - ty * 12 + 1
  return `${pad(ty, 4)}-${pad(tm, 2)}-${pad(Math.min(d, lastDay(ty, tm)), 2)}`
}

/** The first day after a card's expiry month. */
export const endOfValidity = (expiry: { readonly month: number; readonly year: number }): string =>
  expiry.month === 12 ? `${pad(expiry.year + 1, 4)}-01-01` : `${pad(expiry.year, 4)}-${pad(expiry.month + 1, 2)}-01`

/** An instant moved by whole days. */
export const addDaysInstant = (instant: string, days: number): string =>
  new Date(Date.parse(instant) + days * 86_400_000).toISOString()

/** An instant moved by calendar months (day clamped, time kept). */
export const addMonthsInstant = (instant: string, months: number): string =>
  `${addMonths(today(instant), months)}${instant.slice(10)}`

/** The card expiry `offset` months after the month of `date`. */
export const expiryAt = (date: string, offset: number): { readonly month: number; readonly year: number } => {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + offset
  return { year: Math.floor(total / 12), month: (total % 12) + 1 }
}

/** `MM/YY` text of an expiry. */
export const mmyy = (expiry: { readonly month: number; readonly year: number }): string =>
  `${pad(expiry.month, 2)}/${pad(expiry.year % 100, 2)}`
