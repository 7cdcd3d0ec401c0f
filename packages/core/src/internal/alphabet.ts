/**
 * Unbiased mapping of random bytes onto an alphabet (rejection sampling).
 *
 * @internal
 */

/**
 * Draws `count` characters of `alphabet` from `bytes`, starting at `offset`,
 * rejecting bytes that would bias the result. Returns `undefined` when the
 * bytes run out, so the caller can ask for more instead of falling back to a
 * biased draw.
 */
export const drawChars = (
  bytes: Uint8Array,
  offset: number,
  alphabet: string,
  count: number
): { readonly chars: string; readonly next: number } | undefined => {
  const n = alphabet.length
  const limit = 256 - (256 % n)
  let out = ""
  let i = offset
  while (out.length < count) {
    if (i >= bytes.length) return undefined
    const b = bytes[i++]!
    if (b < limit) out += alphabet[b % n]
  }
  return { chars: out, next: i }
}

/** Lowercase hex of bytes. */
export const toHex = (bytes: Uint8Array): string => {
  let s = ""
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, "0")
  return s
}

/** The base64url alphabet (RFC 4648 §5). */
export const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/** Unpadded base64url of bytes (RFC 4648 §5). */
export const toBase64Url = (bytes: Uint8Array): string => {
  let s = ""
  let i = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    s += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]! + B64URL[n & 63]!
  }
  const rest = bytes.length - i
  if (rest === 1) {
    const n = bytes[i]! << 16
    s += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]!
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8)
    s += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]! + B64URL[(n >> 6) & 63]!
  }
  return s
}
