/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven,
 * slicing-by-8. A checksum against torn and flipped bytes, not a MAC.
 *
 * Node has no CRC-32C built in (`zlib.crc32`, Node ≥ 22.2, is the IEEE
 * polynomial), so this is the portable implementation.
 *
 * `crc32c(b, crc32c(a)) === crc32c(a ‖ b)`: pass the previous value as `seed`
 * to continue a checksum.
 *
 * @internal
 */

const POLY = 0x82f63b78

const TABLE: Int32Array = (() => {
  const t = new Int32Array(256 * 8)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1
    t[i] = c
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) {
      const prev = t[(s - 1) * 256 + i]!
      t[s * 256 + i] = (prev >>> 8) ^ t[prev & 0xff]!
    }
  }
  return t
})()

/** CRC-32C of `bytes[start, end)`, continuing from `seed` (0 for a fresh checksum). */
export const crc32c = (bytes: Uint8Array, seed = 0, start = 0, end = bytes.length): number => {
  const t = TABLE
  let c = ~seed
  let i = start
  while (i + 8 <= end) {
    const a = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) ^ c
    const b = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24)
    c = t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^ t[1024 + (a >>> 24)]! ^
      t[768 + (b & 0xff)]! ^ t[512 + ((b >>> 8) & 0xff)]! ^ t[256 + ((b >>> 16) & 0xff)]! ^ t[b >>> 24]!
    i += 8
  }
  while (i < end) c = t[(c ^ bytes[i++]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}
