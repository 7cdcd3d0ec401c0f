/**
 * Card brands as data: a table of IIN (issuer identification number) ranges
 * and lengths, read by one pure {@link detect} function. Brand names follow
 * the gateways (`VISA`, `MASTER`, `AMEX`, `CHINAUNIONPAY`, …).
 *
 * @since 0.1.0
 */
import { ensure, isRecord, string } from "./internal/input.ts"

/**
 * A brand name as the gateways spell it.
 *
 * @category models
 * @since 0.1.0
 */
export type CardBrand = "VISA" | "MASTER" | "AMEX" | "DISCOVER" | "JCB" | "CHINAUNIONPAY" | "DINERS" | "MAESTRO"

/**
 * One row of the brand table: IIN prefixes or inclusive ranges (compared on
 * the same number of leading digits) and the allowed PAN lengths.
 *
 * @category models
 * @since 0.1.0
 */
export interface BrandEntry {
  readonly brand: CardBrand
  readonly patterns: ReadonlyArray<number | readonly [number, number]>
  readonly lengths: ReadonlyArray<number>
}

/**
 * The brand table. Where ranges overlap, the longest matching prefix wins
 * (Discover's 622126–622925 inside UnionPay's 62, for one).
 *
 * @category models
 * @since 0.1.0
 */
export const table: ReadonlyArray<BrandEntry> = [
  { brand: "VISA", patterns: [4], lengths: [13, 16, 19] },
  { brand: "MASTER", patterns: [[51, 55], [2221, 2720]], lengths: [16] },
  { brand: "AMEX", patterns: [34, 37], lengths: [15] },
  { brand: "DISCOVER", patterns: [6011, [644, 649], 65, [622126, 622925]], lengths: [16, 17, 18, 19] },
  { brand: "JCB", patterns: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  { brand: "CHINAUNIONPAY", patterns: [62, 81], lengths: [16, 17, 18, 19] },
  { brand: "DINERS", patterns: [[300, 305], 36, 38, 39], lengths: [14, 15, 16, 17, 18, 19] },
  { brand: "MAESTRO", patterns: [50, [56, 58], 6304, 6759, 676770, 676774, 63, 67], lengths: [12, 13, 14, 15, 16, 17, 18, 19] }
]

/**
 * Every brand name.
 *
 * @category models
 * @since 0.1.0
 */
export const brands: ReadonlyArray<CardBrand> = table.map((e) => e.brand)

/** A pattern ready to match: an inclusive range of the number its `width` leading digits make (a prefix is a range of one). */
interface Matcher {
  readonly width: number
  readonly low: number
  readonly high: number
}

/** The most leading digits a pattern may compare, so that their number stays exact (the built-in table compares at most 6). */
const MAX_WIDTH = 15

/** A table's rows with their patterns' digit widths and lengths worked out once (the built-in table's at load). */
const compile = (rows: ReadonlyArray<BrandEntry>) =>
  rows.map((e) => ({
    brand: e.brand,
    lengths: new Set(e.lengths),
    matchers: e.patterns.map((p): Matcher => {
      const [low, high] = typeof p === "number" ? [p, p] : p
      return { width: String(low).length, low, high }
    })
  }))

const compiled = compile(table)

const POW10 = Array.from({ length: MAX_WIDTH + 1 }, (_, i) => 10 ** i)

/** How many leading digits `m` matches (0 for none), given the number the first `read` digits make. */
const matchLength = (lead: number, read: number, m: Matcher): number => {
  if (m.width > read) return 0
  const head = Math.floor(lead / POW10[read - m.width]!)
  return head >= m.low && head <= m.high ? m.width : 0
}

/** The widest matcher of a table, so that detect reads no more leading digits than it compares. */
const widest = (rows: ReturnType<typeof compile>): number => {
  let w = 0
  for (const row of rows) for (const m of row.matchers) w = Math.max(w, m.width)
  return Math.min(w, MAX_WIDTH)
}

const compiledWidth = widest(compiled)

/** The first digit of a pattern bound `n` of `width` digits. */
const firstDigit = (n: number, width: number): number => Math.floor(n / POW10[width - 1]!)

/**
 * The built-in table's rows by the first digit of a card number: the rows with a pattern that can start
 * with it, in table order (so the longest match and its ties come out as from the whole table).
 */
const compiledByFirstDigit = Array.from(
  { length: 10 },
  (_, d) => compiled.filter((row) => row.matchers.some((m) => firstDigit(m.low, m.width) <= d && d <= firstDigit(m.high, m.width)))
)

/** True when `u` is an array whose every index (holes included) passes `p`. */
const isArrayOf = (u: unknown, p: (item: unknown) => boolean): boolean => {
  if (!Array.isArray(u)) return false
  for (let i = 0; i < u.length; i++) if (!p(u[i])) return false
  return true
}
const isNumber = (u: unknown): boolean => typeof u === "number"
const isPattern = (u: unknown): boolean => isNumber(u) || (isArrayOf(u, isNumber) && (u as ReadonlyArray<number>).length === 2)
const isEntry = (u: unknown): boolean => isRecord(u) && isArrayOf(u.patterns, isPattern) && Array.isArray(u.lengths)

/**
 * The brand of an ASCII digit string, or `undefined` when no row matches both
 * its prefix and its length. Pure: any string is accepted. A non-string, or
 * a table whose rows lack pattern and length lists, throws a typed
 * `INVALID_INPUT` error (the built-in {@link table} is not re-checked).
 *
 * @category getters
 * @since 0.1.0
 */
export const detect = (digits: string, brandTable: ReadonlyArray<BrandEntry> = table): CardBrand | undefined => {
  string(digits, "digits")
  if (brandTable !== table) ensure(isArrayOf(brandTable, isEntry), "A brand table", "an array of BrandEntry", brandTable)
  const custom = brandTable === table ? undefined : compile(brandTable)
  const width = custom === undefined ? compiledWidth : widest(custom)
  // The number the leading ASCII digits make, up to the widest pattern: a pattern wider than them matches nothing.
  let lead = 0
  let read = 0
  while (read < width && read < digits.length) {
    const d = digits.charCodeAt(read) - 48
    if (d < 0 || d > 9) break
    lead = lead * 10 + d
    read++
  }
  if (read === 0) return undefined
  const rows = custom ?? compiledByFirstDigit[digits.charCodeAt(0) - 48]!
  let best: CardBrand | undefined
  let bestLen = 0
  for (const entry of rows) {
    if (!entry.lengths.has(digits.length)) continue
    for (const matcher of entry.matchers) {
      const n = matchLength(lead, read, matcher)
      if (n > bestLen) {
        bestLen = n
        best = entry.brand
      }
    }
  }
  return best
}
