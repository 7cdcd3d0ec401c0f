/**
 * Defence in depth for printed text: masks any run of 12 to 19 digits (with
 * optional single space or dash separators) that could be a card number.
 *
 * @since 0.1.0
 */
const PAN_RUN = /(?<![A-Za-z0-9])\d(?:[ -]?\d){11,18}(?![A-Za-z0-9])/g

/**
 * Masks card-number-like digit runs in `text`.
 *
 * @category encoding
 * @since 0.1.0
 */
export const redact = (text: string): string => text.replace(PAN_RUN, "[redacted]")
