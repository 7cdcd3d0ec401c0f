/**
 * Retention date maths (ACI's Data Retention Policy and seed 000's token
 * extension), on UTC calendar dates. The current date is always passed in.
 *
 * **Details**
 *
 * - Card tokens are retained for 14 months after the end of the card's expiry
 *   month. The end of a month is the first day of the next one, so the date
 *   is always the 1st and no clamping happens: a card valid through January
 *   Y1 (expiring at 1-Feb-Y1) is deleted on 1-Apr-Y2 (seed 000); a card with
 *   expiry Dec-Y1 is retained until 1-Mar-Y3 (ACI's policy).
 * - Non-card tokens are retained for 14 months after the last transaction, or
 *   after creation if never used. Every transaction moves the anchor.
 *   Adding months clamps to the end of the month: a last transaction on
 *   31-Dec-Y1 gives 28-Feb-Y3 (29 in a leap year), and 29-Feb-Y1 gives
 *   29-Apr-Y2.
 * - Extension (seed 000) takes no parameters and is idempotent: it sets the
 *   period to 24 months instead of 14 ("can get extended for up to
 *   24-months"). Extending twice is the same as extending once.
 * - `retainUntil` is the purge date: a token is usable strictly before it
 *   (`today < retainUntil`), and the sweep purges it on that date.
 * - Bad runtime input (a non-boolean `extended`, an unknown anchor, a value
 *   that is not a date, a purge date after 9999-12-31) throws a typed
 *   `INVALID_INPUT` error: `"false"` never extends a retention.
 *
 * @since 0.1.0
 */
import * as Expiry from "./Expiry.ts"
import { boolean, invalidInput, isRecord } from "./internal/input.ts"
import * as IsoDate from "./IsoDate.ts"

/**
 * The retention periods in months.
 *
 * @category models
 * @since 0.1.0
 */
export const periods = { default: 14, extended: 24 } as const

/**
 * What a retention date is counted from.
 *
 * @category models
 * @since 0.1.0
 */
export type Anchor =
  | { readonly _tag: "Card"; readonly expiry: Expiry.Expiry }
  | { readonly _tag: "NonCard"; readonly lastActivity: IsoDate.IsoDate }

/**
 * The retention period in months for an extended or default token.
 *
 * @category getters
 * @since 0.1.0
 */
export const periodMonths = (extended: boolean): number => (boolean(extended, "extended") ? periods.extended : periods.default)

/**
 * The date on which a token is purged.
 *
 * @category math
 * @since 0.1.0
 */
export const retainUntil = (anchor: Anchor, extended: boolean): IsoDate.IsoDate => {
  const tag = isRecord(anchor) ? anchor._tag : undefined
  if (tag !== "Card" && tag !== "NonCard") throw invalidInput("A retention anchor", "a Card or NonCard anchor", anchor)
  const months = periodMonths(extended)
  return IsoDate.addMonths(anchor._tag === "Card" ? Expiry.expiresOn(anchor.expiry) : anchor.lastActivity, months)
}

/**
 * True while a token is within retention on `today`.
 *
 * @category predicates
 * @since 0.1.0
 */
export const isRetained = (until: IsoDate.IsoDate, today: IsoDate.IsoDate): boolean => IsoDate.compare(today, until) < 0
