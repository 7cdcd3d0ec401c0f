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

/** A pattern ready to match: a prefix's digits, or a range and the number of leading digits it compares. */
type Matcher = { readonly prefix: string } | { readonly width: number; readonly low: number; readonly high: number }

/** A table's rows with their patterns' digit widths worked out once (the built-in table's at load). */
const compile = (rows: ReadonlyArray<BrandEntry>) =>
  rows.map((e) => ({
    brand: e.brand,
    lengths: e.lengths,
    matchers: e.patterns.map((p): Matcher =>
      typeof p === "number" ? { prefix: String(p) } : { width: String(p[0]).length, low: p[0], high: p[1] }
    )
  }))

const compiled = compile(table)

/** How many leading digits `m` matches (0 for none); `heads` keeps the leading numbers already read, by width. */
const matchLength = (digits: string, m: Matcher, heads: Array<number>): number => {
  if ("prefix" in m) return digits.startsWith(m.prefix) ? m.prefix.length : 0
  if (digits.length < m.width) return 0
  const head = heads[m.width] ??= Number(digits.slice(0, m.width))
  return head >= m.low && head <= m.high ? m.width : 0
}

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
  let best: CardBrand | undefined
  let bestLen = 0
  const heads: Array<number> = []
  for (const entry of brandTable === table ? compiled : compile(brandTable)) {
    if (!entry.lengths.includes(digits.length)) continue
    for (const matcher of entry.matchers) {
      const n = matchLength(digits, matcher, heads)
      if (n > bestLen) {
        bestLen = n
        best = entry.brand
      }
    }
  }
  return best
}
