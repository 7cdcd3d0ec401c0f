/**
 * The on-disk format of the file store's journal, version 3 (version 2
 * files are read too, and rewritten as version 3 when opened).
 *
 * **File header** (64 bytes, little-endian):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 8 | magic `TVJOURNL` |
 * | 8 | 4 | format version (3; 2 is read) |
 * | 12 | 4 | flags (bit 0: the file opens with a snapshot) |
 * | 16 | 8 | generation (u64) |
 * | 24 | 8 | sequence number of the first frame (u64) |
 * | 32 | 16 | journal id (random; seeds every frame checksum) |
 * | 48 | 12 | reserved, zero |
 * | 60 | 4 | CRC-32C of bytes 0–59 |
 *
 * **Frame**: `[length u32][crc u32][payload]`, where `payload` is
 * `[sequence u64][operation]`, `length` is the payload's length (at most
 * {@link maxPayloadBytes}) and `crc` is the CRC-32C of
 * `journalId ‖ length ‖ payload`. Sequence numbers increase by exactly one
 * from the header's first sequence number. An operation is binary (record
 * operations: an operation byte `0x01`–`0x03`, then the records) or UTF-8
 * JSON (every other operation; its first byte is `{`).
 *
 * Version 3 adds bound request keys (`k` operations, `sk` snapshot frames,
 * a `k` count in `se`); a version 2 file holds none. Version 1 (JSON records)
 * and unknown versions are refused with an unsupported-version problem,
 * never misread.
 *
 * @since 0.1.0
 */
import { crc32c } from "./internal/crc32c.ts"

/**
 * The magic bytes that open every journal file.
 *
 * @category models
 * @since 0.1.0
 */
export const magic: Uint8Array = new TextEncoder().encode("TVJOURNL")

/**
 * The format version this library writes (3: binary records and bound
 * request keys).
 *
 * @category models
 * @since 0.1.0
 */
export const version = 3

/**
 * The format versions this library reads: 2 (before bound request keys) and
 * {@link version}. 1 had JSON records and is refused.
 *
 * @category models
 * @since 0.1.0
 */
export const readableVersions: ReadonlyArray<number> = [2, 3]

/**
 * The header's size in bytes.
 *
 * @category models
 * @since 0.1.0
 */
export const headerBytes = 64

/**
 * The frame header's size (length and checksum).
 *
 * @category models
 * @since 0.1.0
 */
export const frameHeaderBytes = 8

/**
 * The largest payload a frame may carry (1 MiB). A length above it is
 * corruption, so a damaged length never triggers a huge allocation.
 *
 * @category models
 * @since 0.1.0
 */
export const maxPayloadBytes = 1024 * 1024

/**
 * The smallest payload: the sequence number and two bytes (`{}`).
 *
 * @category models
 * @since 0.1.0
 */
export const minPayloadBytes = 10

/**
 * Header flag: the file opens with a snapshot that ends with an `se` frame.
 *
 * @category models
 * @since 0.1.0
 */
export const flagSnapshot = 1

/**
 * A decoded file header.
 *
 * @category models
 * @since 0.1.0
 */
export interface Header {
  /** The format version (one of {@link readableVersions}). */
  readonly version: number
  /** Flags ({@link flagSnapshot}). */
  readonly flags: number
  /** The generation, also in the file name. */
  readonly generation: number
  /** The sequence number of the file's first frame. */
  readonly firstSequence: number
  /** 16 random bytes; they seed every frame checksum of the file. */
  readonly journalId: Uint8Array
}

const u32 = (b: Uint8Array, at: number): number => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0

const readU64 = (view: DataView, at: number): number => view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x1_0000_0000

const writeU64 = (view: DataView, at: number, n: number): void => {
  view.setUint32(at, n % 0x1_0000_0000, true)
  view.setUint32(at + 4, Math.floor(n / 0x1_0000_0000), true)
}

/**
 * Encodes a file header.
 *
 * @category encoding
 * @since 0.1.0
 */
export const encodeHeader = (header: Omit<Header, "version">): Uint8Array => {
  const bytes = new Uint8Array(headerBytes)
  const view = new DataView(bytes.buffer)
  bytes.set(magic, 0)
  view.setUint32(8, version, true)
  view.setUint32(12, header.flags, true)
  writeU64(view, 16, header.generation)
  writeU64(view, 24, header.firstSequence)
  bytes.set(header.journalId.subarray(0, 16), 32)
  view.setUint32(60, crc32c(bytes, 0, 0, 60), true)
  return bytes
}

/**
 * Decodes a file header; returns a description of the problem when the bytes
 * are not a header of a {@link readableVersions} version (another version's header gives
 * `"unsupported format version N"`).
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeHeader = (bytes: Uint8Array): Header | string => {
  if (bytes.length < headerBytes) return "file shorter than its header"
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return "bad magic number"
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes)
  if (view.getUint32(60, true) !== crc32c(bytes, 0, 0, 60)) return "header checksum mismatch"
  const v = view.getUint32(8, true)
  if (!readableVersions.includes(v)) return `unsupported format version ${v}`
  return {
    version: v,
    flags: view.getUint32(12, true),
    generation: readU64(view, 16),
    firstSequence: readU64(view, 24),
    journalId: bytes.slice(32, 48)
  }
}

/**
 * The checksum seed of a journal: CRC-32C of its id. Frames copied from
 * another journal fail their checksum.
 *
 * @category encoding
 * @since 0.1.0
 */
export const checksumSeed = (journalId: Uint8Array): number => crc32c(journalId)

/**
 * Writes one frame into `out` at `at`; returns the offset after it.
 * `operation` is the operation's bytes (binary, or UTF-8 JSON).
 *
 * @category encoding
 * @since 0.1.0
 */
export const writeFrame = (out: Uint8Array, at: number, seed: number, sequence: number, operation: Uint8Array): number => {
  const length = 8 + operation.length
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  view.setUint32(at, length, true)
  writeU64(view, at + 8, sequence)
  out.set(operation, at + 16)
  const crc = crc32c(out, crc32c(out, seed, at, at + 4), at + 8, at + 8 + length)
  view.setUint32(at + 4, crc, true)
  return at + 8 + length
}

/**
 * The outcome of reading a frame at an offset: a good frame (with its
 * sequence number and where its operation starts), or why it is not one.
 *
 * @category models
 * @since 0.1.0
 */
export type FrameRead =
  | { readonly _tag: "Frame"; readonly end: number; readonly sequence: number; readonly operationStart: number }
  | { readonly _tag: "Bad"; readonly problem: "short header" | "bad length" | "past end of file" | "checksum mismatch" }

/**
 * Reads the frame at `at` in `bytes[0, end)` and verifies its length and
 * checksum (not its sequence number, which is the reader's business).
 *
 * @category decoding
 * @since 0.1.0
 */
export const readFrame = (bytes: Uint8Array, at: number, end: number, seed: number): FrameRead => {
  if (end - at < frameHeaderBytes) return { _tag: "Bad", problem: "short header" }
  // Plain byte reads: no DataView per frame on recovery's hot path.
  const length = u32(bytes, at)
  if (length < minPayloadBytes || length > maxPayloadBytes) return { _tag: "Bad", problem: "bad length" }
  if (at + 8 + length > end) return { _tag: "Bad", problem: "past end of file" }
  const crc = crc32c(bytes, crc32c(bytes, seed, at, at + 4), at + 8, at + 8 + length)
  if (crc !== u32(bytes, at + 4)) return { _tag: "Bad", problem: "checksum mismatch" }
  return { _tag: "Frame", end: at + 8 + length, sequence: u32(bytes, at + 8) + u32(bytes, at + 12) * 0x1_0000_0000, operationStart: at + 16 }
}

/**
 * True when some offset in `(from, startLimit)` starts a frame, lying within
 * `bytes[0, end)`, with a valid length and checksum. Recovery calls it after
 * a bad frame: when a good frame follows, the damage is in the middle of the
 * journal (corruption), not a torn tail.
 *
 * @category decoding
 * @since 0.1.0
 */
export const goodFrameAfter = (bytes: Uint8Array, from: number, end: number, seed: number, startLimit = end): boolean => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let p = from + 1; p < startLimit && p + frameHeaderBytes + minPayloadBytes <= end; p++) {
    const length = view.getUint32(p, true)
    if (length < minPayloadBytes || length > maxPayloadBytes || p + 8 + length > end) continue
    if (readFrame(bytes, p, end, seed)._tag === "Frame") return true
  }
  return false
}

/**
 * One frame found by {@link scan}.
 *
 * @category models
 * @since 0.1.0
 */
export interface ScannedFrame {
  /** Where the frame starts in the file. */
  readonly offset: number
  /** Where it ends (the next frame's offset). */
  readonly end: number
  /** Its sequence number. */
  readonly sequence: number
  /** The operation's bytes. */
  readonly operation: Uint8Array
  /** The operation's JSON, when it is a JSON operation (not a binary record operation). */
  readonly json: string | undefined
}

/**
 * Lists the good frames of a whole journal file held in memory, stopping at
 * the first bad one (for tools and tests; the store recovers with its own
 * streaming reader and stricter rules).
 *
 * @category decoding
 * @since 0.1.0
 */
export const scan = (bytes: Uint8Array): { readonly header: Header | string; readonly frames: ReadonlyArray<ScannedFrame>; readonly stoppedAt: number } => {
  const header = decodeHeader(bytes)
  if (typeof header === "string") return { header, frames: [], stoppedAt: 0 }
  const seed = checksumSeed(header.journalId)
  const frames: Array<ScannedFrame> = []
  const decoder = new TextDecoder()
  let at = headerBytes
  while (at < bytes.length) {
    const f = readFrame(bytes, at, bytes.length, seed)
    if (f._tag === "Bad") break
    const operation = bytes.subarray(f.operationStart, f.end)
    frames.push({ offset: at, end: f.end, sequence: f.sequence, operation, json: operation[0] === 0x7b ? decoder.decode(operation) : undefined })
    at = f.end
  }
  return { header, frames, stoppedAt: at }
}
