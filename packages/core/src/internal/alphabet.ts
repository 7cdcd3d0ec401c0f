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

/** The most codes passed to one `String.fromCharCode` call, well within every engine's argument limit. */
const CHUNK = 4096

/**
 * One flat string of character codes. Appending character by character builds
 * a rope of partial strings, which a stored token would keep alive beside its
 * flattened text; this allocates the text once. A token's codes (far fewer
 * than a chunk) go in one call, without slicing the array first.
 */
const fromCodes = (codes: ReadonlyArray<number>): string => {
  if (codes.length <= CHUNK) return String.fromCharCode(...codes)
  let s = ""
  for (let i = 0; i < codes.length; i += CHUNK) s += String.fromCharCode(...codes.slice(i, i + CHUNK))
  return s
}

const codesOf = (alphabet: string): ReadonlyArray<number> => Array.from(alphabet, (c) => c.charCodeAt(0))

const HEX = codesOf("0123456789abcdef")

/** Lowercase hex of bytes. */
export const toHex = (bytes: Uint8Array): string => {
  // Sized once: an array grown by `push` reallocates as it goes.
  const codes = new Array<number>(bytes.length * 2)
  for (let i = 0; i < bytes.length; i++) {
    codes[2 * i] = HEX[bytes[i]! >> 4]!
    codes[2 * i + 1] = HEX[bytes[i]! & 15]!
  }
  return fromCodes(codes)
}

/** The base64url alphabet (RFC 4648 §5). */
export const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

const B64 = codesOf(B64URL)

/** Unpadded base64url of bytes (RFC 4648 §5). */
export const toBase64Url = (bytes: Uint8Array): string => {
  const codes = new Array<number>(Math.ceil((bytes.length * 4) / 3))
  let i = 0
  let o = 0
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    codes[o++] = B64[(n >> 18) & 63]!
    codes[o++] = B64[(n >> 12) & 63]!
    codes[o++] = B64[(n >> 6) & 63]!
    codes[o++] = B64[n & 63]!
  }
  const rest = bytes.length - i
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0)
    codes[o++] = B64[(n >> 18) & 63]!
    codes[o++] = B64[(n >> 12) & 63]!
    if (rest === 2) codes[o++] = B64[(n >> 6) & 63]!
  }
  return fromCodes(codes)
}
