/**
 * Small pure helpers over ASCII digit strings. Nothing here accepts Unicode
 * digits: `٤` and `４` are not digits for a card number.
 *
 * @internal
 */

/** True when every code unit is an ASCII digit `0`–`9` (and the string is non-empty). */
export const isAsciiDigits = (s: string): boolean => {
  if (s.length === 0) return false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** Luhn (mod 10) check over an ASCII digit string. Assumes `isAsciiDigits(s)`. */
export const luhnValid = (s: string): boolean => {
  let sum = 0
  let double = false
  for (let i = s.length - 1; i >= 0; i--) {
    let d = s.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/** Count of ASCII digits in `s`. */
export const countAsciiDigits = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) n++
  }
  return n
}

/** True when `s` is a 12–19 digit ASCII string that passes Luhn: something a scanner would take for a PAN. */
export const looksLikePan = (s: string): boolean =>
  s.length >= 12 && s.length <= 19 && isAsciiDigits(s) && luhnValid(s)

/** Shortens untrusted input for an error message without echoing digits. */
export const describeInput = (u: unknown): string => {
  if (typeof u === "string") return `a string of length ${u.length}`
  if (u === null) return "null"
  if (Array.isArray(u)) return "an array"
  return `a value of type ${typeof u}`
}
