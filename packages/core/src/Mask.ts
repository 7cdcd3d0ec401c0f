/**
 * Masks for card numbers, capped by PCI DSS 3.4.1: at most the BIN (first 6)
 * and the last 4 digits are shown, and at least 4 digits are always hidden.
 * On short PANs the leading part shrinks to keep 4 digits hidden.
 *
 * @since 0.1.0
 */
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

/** A style count as a whole number of digits: NaN, negatives and fractions never widen a mask. */
const whole = (n: number): number => (n > 0 ? Math.floor(n) : 0)

/** The most a mask may show: BIN 6 + last 4, and never fewer than 4 hidden. */
const cap = (length: number, style: MaskStyle): MaskStyle => {
  const trail = Math.min(whole(style.trail), 4, Math.max(0, length - 4))
  const lead = Math.max(0, Math.min(whole(style.lead), 6, length - 4 - trail))
  return { lead, trail }
}

/**
 * Masks an ASCII digit string (a PAN's digits) with `style`, within the PCI
 * cap. Length is preserved.
 *
 * @category encoding
 * @since 0.1.0
 */
export const maskDigits = (digits: string, style: MaskStyle): string => {
  const { lead, trail } = cap(digits.length, style)
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
 * `528529••••••0255`: first 6 and last 4.
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
  let n = 0
  for (let i = 0; i < masked.length; i++) {
    const c = masked.charCodeAt(i)
    if (c >= 48 && c <= 57) n++
  }
  return n
}
