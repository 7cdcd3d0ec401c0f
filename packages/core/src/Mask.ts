/**
 * Masks for card numbers, capped by PCI DSS v4.0.1 Req 3.4.1 (rule
 * MASK-PCI): at most the BIN and the last 4 digits are shown, and at least
 * 6 digits always stay hidden.
 *
 * **Details**
 *
 * - The BIN is the first 6 digits, or the first 8 on PANs of 16 or more
 *   digits (8-digit BINs, PCI SSC FAQ 1492).
 * - At least 6 digits stay hidden, as the FAQ 1091 baseline (first 6 + last
 *   4 of a 16-digit PAN) hides 6: on shorter PANs the leading part shrinks
 *   first, then the trailing part. `bin6Last4` of a 12-digit PAN is
 *   `52••••••0255`, of a 15-digit one `37144••••••8431`.
 * - Bad runtime input (a non-string, a style without numbers, anything but a
 *   {@link Pan.Pan}) throws a typed `INVALID_INPUT` error.
 *
 * @since 0.1.0
 */
import { cap } from "./internal/display.ts"
import { ensure, isRecord, string } from "./internal/input.ts"
import * as Pan from "./Pan.ts"

/**
 * A mask style: how many leading and trailing digits it would like to show.
 *
 * @category models
 * @since 0.1.0
 */
export interface MaskStyle {
  readonly lead: number
  readonly trail: number
}

/**
 * The mask styles as data.
 *
 * - `bin6Last4`: AlliancePay's `maskedPan` (`528529••••••0255`).
 * - `last4`: last 4 only.
 * - `first2Last4`: what an Axerve standard token embeds.
 *
 * @category models
 * @since 0.1.0
 */
export const styles = {
  bin6Last4: { lead: 6, trail: 4 },
  last4: { lead: 0, trail: 4 },
  first2Last4: { lead: 2, trail: 4 }
} as const satisfies Record<string, MaskStyle>

/**
 * The mask character.
 *
 * @category models
 * @since 0.1.0
 */
export const maskChar = "•"

/**
 * Masks an ASCII digit string (a PAN's digits) with `style`, within the PCI
 * cap. Length is preserved. NaN, negative and fractional counts never widen
 * a mask.
 *
 * @category encoding
 * @since 0.1.0
 */
export const maskDigits = (digits: string, style: MaskStyle): string => {
  string(digits, "digits")
  ensure(isRecord(style) && typeof style.lead === "number" && typeof style.trail === "number", "A mask style", "{ lead, trail } numbers", style)
  const { lead, trail } = cap(digits.length, style.lead, style.trail)
  return digits.slice(0, lead) + maskChar.repeat(digits.length - lead - trail) + digits.slice(digits.length - trail)
}

/**
 * Masks a {@link Pan.Pan} with `style` (default `bin6Last4`).
 *
 * @category encoding
 * @since 0.1.0
 */
export const mask = (pan: Pan.Pan, style: MaskStyle = styles.bin6Last4): string => maskDigits(Pan.reveal(pan), style)

/**
 * `528529••••••0255`: first 6 and last 4 (fewer leading digits on PANs
 * under 16 digits, so that 6 stay hidden).
 *
 * @category encoding
 * @since 0.1.0
 */
export const bin6Last4 = (pan: Pan.Pan): string => mask(pan, styles.bin6Last4)

/**
 * `••••••••••••0255`: last 4 only.
 *
 * @category encoding
 * @since 0.1.0
 */
export const last4 = (pan: Pan.Pan): string => mask(pan, styles.last4)

/**
 * `52••••••••••0255`: first 2 and last 4.
 *
 * @category encoding
 * @since 0.1.0
 */
export const first2Last4 = (pan: Pan.Pan): string => mask(pan, styles.first2Last4)

/**
 * How many digits a masked string reveals.
 *
 * @category getters
 * @since 0.1.0
 */
export const revealedDigits = (masked: string): number => {
  string(masked, "A masked card number")
  let n = 0
  for (let i = 0; i < masked.length; i++) {
    const c = masked.charCodeAt(i)
    if (c >= 48 && c <= 57) n++
  }
  return n
}
