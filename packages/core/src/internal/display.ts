/**
 * The display cap of PCI DSS v4.0.1 Req 3.4.1 for card numbers, shared by
 * the masks and the digits a `Pan` exposes.
 *
 * At most the BIN and the last 4 digits are shown. The BIN is the first 6
 * digits, or the first 8 on PANs of 16 or more digits (8-digit BINs, PCI SSC
 * FAQ 1492). At least `MIN_HIDDEN` digits always stay hidden, the
 * truncation baseline of PCI SSC FAQ 1091 (first 6 + last 4 of a 16-digit
 * PAN): shorter PANs show fewer leading digits (a 12-digit PAN shows its
 * first 2 and last 4), never fewer hidden ones.
 *
 * @internal
 */

/** Digits every displayed form of a card number hides. */
export const MIN_HIDDEN = 6

/** Trailing digits a display may show. */
export const MAX_TRAIL = 4

/** The BIN's length: 8 digits on PANs of 16 or more digits, else 6. */
export const binLength = (length: number): number => (length >= 16 ? 8 : 6)

/** A count as a whole number of digits: NaN, negatives and fractions never widen a display. */
const whole = (n: number): number => (n > 0 ? Math.floor(n) : 0)

/** How many leading and trailing digits of a `length`-digit number may be shown, given the wish `lead`/`trail`. */
export const cap = (length: number, lead: number, trail: number): { readonly lead: number; readonly trail: number } => {
  const t = Math.min(whole(trail), MAX_TRAIL, Math.max(0, length - MIN_HIDDEN))
  const l = Math.max(0, Math.min(whole(lead), binLength(length), length - MIN_HIDDEN - t))
  return { lead: l, trail: t }
}
