/**
 * The command line's first line of defence for card data: a card number must
 * never travel through argv (it would land in shell history, `ps` output and
 * logs). The CLI reads card numbers from standard input only, and refuses to
 * run at all when any argument looks like one — without echoing it.
 *
 * A value looks like a card number when it holds a run of 12 to 19 digits
 * (ISO/IEC 7812 lengths), optionally grouped with single spaces or dashes,
 * that is not part of a longer word or number: `4111111111111111`,
 * `4111 1111 1111 1111`, `--customer=4111-1111-1111-1111` and `pan:5555555555554444`
 * are refused; `2030-01-01T00:00:00Z`, a 32-digit hex id such as
 * `9f2c4e1b...` or a 20-digit number are not.
 *
 * @since 0.1.0
 */

const PAN_LIKE = /(?<![A-Za-z0-9])\d(?:[ -]?\d){11,18}(?![A-Za-z0-9])/

/**
 * True when `value` contains a card-number-like run of digits.
 *
 * @category predicates
 * @since 0.1.0
 */
export const isPanLike = (value: string): boolean => PAN_LIKE.test(value)

/**
 * The position of the first argument that looks like a card number, or
 * `undefined` when none does. The position is safe to report; the value is
 * not.
 *
 * @category predicates
 * @since 0.1.0
 */
export const findPanLike = (argv: ReadonlyArray<string>): number | undefined => {
  const index = argv.findIndex(isPanLike)
  return index === -1 ? undefined : index
}
