/**
 * The binary encoding of token records in the journal (format version 2).
 *
 * A record is a flags word, three enum bytes and its fields in a fixed order.
 * Strings are `[varint byte length][UTF-8]`; numbers are `[0][varint]` for
 * non-negative safe integers and `[1][float64]` otherwise. Fields that repeat
 * across records (merchant, scope, customer, brand, dates) go through the
 * frame's string table: `[varint 0][string]` defines the next entry,
 * `[varint k]` repeats entry `k - 1`. A table lives for one frame, so every
 * frame decodes on its own, and repeated values decode to one shared string
 * (less heap, hashed once by the indexes). A {@link Reader} that decodes
 * frame after frame (recovery) also shares merchant, scope, brand and date
 * values and expiry dates across frames, without changing what is decoded.
 *
 * Decoding checks every length, enum and table reference against the frame:
 * a payload that does not decode exactly is a {@link CodecError}, never a
 * half-read record.
 *
 * @internal
 */
import type { CardBrand, Group, IsoDate, PaymentUse, TokenFormat, TokenRecord, TokenStatus } from "@tokenvault/core"

/** Node's Buffer decodes UTF-8 without `toString`'s argument handling through this method. */
interface Utf8Slicing {
  readonly utf8Slice: (start: number, end: number) => string
}

/** `String.prototype.isWellFormed` (Node 20; not in the ES2022 lib typings). */
interface WellFormed {
  readonly isWellFormed: () => boolean
}

/** A payload that is not a valid encoding, or a value that has none (a string with a lone surrogate). */
export class CodecError {
  readonly _tag = "CodecError"
}

const FORMATS: ReadonlyArray<TokenFormat.Name> = ["registration", "standard", "custom", "opaque"]
const INSTRUMENTS: ReadonlyArray<TokenRecord.TokenRecord["instrument"]> = ["CARD", "BANK_ACCOUNT"]
const STATUSES: ReadonlyArray<TokenStatus.Status> = ["ACTIVE", "SUSPENDED", "DELETED"]
const REASONS: ReadonlyArray<TokenRecord.Deletion["reason"]> = ["DEREGISTERED", "RETENTION"]
const AGREEMENTS: ReadonlyArray<PaymentUse.AgreementType> = ["UNSCHEDULED", "RECURRING", "INSTALLMENT"]

const F_CUSTOMER = 1
const F_BRAND = 2
const F_EXPIRY = 4
const F_FINGERPRINT = 8
const F_SEALED = 16
const F_DELETION = 32
const F_EXTENDED = 64
const F_REQUEST_ID = 128
const F_DIGEST = 256
const F_ALL = 511

const code = <A>(table: ReadonlyArray<A>, value: A): number => {
  const i = table.indexOf(value)
  if (i < 0) throw new CodecError()
  return i
}

/** How many table entries a {@link Writer} searches in order before it keeps them in a `Map`. */
const FEW = 16

/** Encodes records into a growing buffer; {@link Writer.take} copies the bytes out and resets. */
export class Writer {
  private buffer = Buffer.allocUnsafe(64 * 1024)
  private at = 0
  /**
   * The frame's first table entries, searched in order. A record's own frame (every journal write) has a
   * handful, and clearing a `Map` for each one allocated it afresh; a snapshot frame's hundreds go on in `table`.
   */
  private readonly few: Array<string> = []
  private readonly table = new Map<string, number>()

  get length(): number {
    return this.at
  }

  private room(n: number): void {
    if (this.at + n <= this.buffer.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + n))
    this.buffer.copy(next, 0, 0, this.at)
    this.buffer = next
  }

  byte(n: number): void {
    this.room(1)
    this.buffer[this.at++] = n
  }

  varint(n: number): void {
    this.room(8)
    while (n >= 0x80) {
      this.buffer[this.at++] = (n % 0x80) | 0x80
      n = Math.floor(n / 0x80)
    }
    this.buffer[this.at++] = n
  }

  number(n: number): void {
    if (Number.isSafeInteger(n) && n >= 0 && !Object.is(n, -0)) {
      this.byte(0)
      this.varint(n)
    } else {
      this.byte(1)
      this.room(8)
      this.at = this.buffer.writeDoubleLE(n, this.at)
    }
  }

  string(s: string): void {
    const n = s.length
    // Short ASCII strings (tokens, fingerprints, ciphertexts, ids: nearly every field) byte by byte:
    // cheaper than the two native calls below, which pay more to enter than to copy 20-100 bytes.
    if (n < 128) {
      this.room(n + 1)
      const buffer = this.buffer
      const at = this.at
      let i = 0
      for (; i < n; i++) {
        const c = s.charCodeAt(i)
        if (c >= 0x80) break
        buffer[at + 1 + i] = c
      }
      if (i === n) {
        buffer[at] = n
        this.at = at + 1 + n
        return
      }
    }
    // UTF-8 cannot carry a lone surrogate: refuse rather than store U+FFFD in its place.
    if (!(s as unknown as WellFormed).isWellFormed()) throw new CodecError()
    const bytes = Buffer.byteLength(s, "utf8")
    this.varint(bytes)
    this.room(bytes)
    this.at += this.buffer.write(s, this.at, bytes, "utf8")
  }

  /** The table entry (from 1) of `s` in this frame, if it has one. */
  private entry(s: string): number | undefined {
    const few = this.few
    for (let i = 0; i < few.length; i++) if (few[i] === s) return i + 1
    return few.length < FEW ? undefined : this.table.get(s)
  }

  /** A string through the frame's table. */
  shared(s: string): void {
    const k = this.entry(s)
    if (k !== undefined) return this.varint(k)
    this.varint(0)
    this.string(s)
    if (this.few.length < FEW) this.few.push(s)
    else this.table.set(s, FEW + this.table.size + 1)
  }

  record(r: TokenRecord.TokenRecord): void {
    const flags = (r.customerId !== undefined ? F_CUSTOMER : 0) | (r.brand !== undefined ? F_BRAND : 0) |
      (r.expiry !== undefined ? F_EXPIRY : 0) | (r.fingerprint !== undefined ? F_FINGERPRINT : 0) |
      (r.sealed !== undefined ? F_SEALED : 0) | (r.deletion !== undefined ? F_DELETION : 0) | (r.extended ? F_EXTENDED : 0) |
      (r.merchantRequestId !== undefined ? F_REQUEST_ID : 0) | (r.requestDigest !== undefined ? F_DIGEST : 0)
    this.varint(flags)
    this.byte(code(FORMATS, r.format))
    this.byte(code(INSTRUMENTS, r.instrument))
    this.byte(code(STATUSES, r.status))
    this.string(r.token)
    this.shared(r.merchantId)
    this.shared(r.scope)
    if (r.customerId !== undefined) this.shared(r.customerId)
    if (r.brand !== undefined) this.shared(r.brand)
    this.string(r.maskedPan)
    if (r.expiry !== undefined) {
      this.number(r.expiry.month)
      this.number(r.expiry.year)
    }
    if (r.fingerprint !== undefined) this.string(r.fingerprint)
    if (r.sealed !== undefined) {
      this.number(r.sealed.keyVersion)
      this.string(r.sealed.ciphertext)
    }
    if (r.deletion !== undefined) {
      this.byte(code(REASONS, r.deletion.reason))
      this.shared(r.deletion.on)
    }
    this.shared(r.createdAt)
    this.shared(r.lastActivity)
    this.shared(r.retainUntil)
    this.varint(r.agreements.length)
    for (const a of r.agreements) {
      this.byte(code(AGREEMENTS, a.type))
      this.string(a.initialTransactionId)
    }
    if (r.merchantRequestId !== undefined) this.string(r.merchantRequestId)
    if (r.requestDigest !== undefined) this.string(r.requestDigest)
    this.number(r.version)
  }

  /** Copies out what was written and starts a new frame (a new string table). */
  take(): Buffer {
    const out = Buffer.from(this.buffer.subarray(0, this.at))
    this.reset()
    return out
  }

  reset(): void {
    this.at = 0
    this.few.length = 0
    if (this.table.size > 0) this.table.clear()
  }
}

/** The most distinct values a {@link Reader} keeps for reuse across frames. */
const INTERN_MAX = 4096

/** The most distinct expiry dates a {@link Reader} shares across records. */
const EXPIRIES_MAX = 1024

/** The agreements of a record without any: one frozen array for every decoded record. */
const NO_AGREEMENTS: ReadonlyArray<PaymentUse.Agreement> = Object.freeze([])

/** Slots of a reader's table of interned values (a power of two, twice {@link INTERN_MAX}). */
const INTERN_SLOTS = 8192

/** An interned value: its UTF-8 bytes, the string, and the next entry in the same slot. */
interface Interned {
  readonly bytes: Uint8Array
  readonly value: string
  readonly next: Interned | undefined
}

/** FNV-1a over `bytes[start, end)`. */
const hashBytes = (bytes: Uint8Array, start: number, end: number): number => {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193)
  return h
}

const sameBytes = (a: Uint8Array, b: Uint8Array, start: number, n: number): boolean => {
  if (a.length !== n) return false
  for (let i = 0; i < n; i++) if (a[i] !== b[start + i]) return false
  return true
}

/** Decodes one frame's payload; every read throws {@link CodecError} past the end or on a bad value. */
export class Reader {
  private readonly table: Array<string> = []
  /**
   * Low-cardinality values (merchant, scope, brand, dates) seen in earlier
   * frames of this reader, by a hash of their bytes: a journal has one record
   * per frame, so without it every recovered record would keep its own copy of
   * each. A value seen before is found from its bytes, without decoding it.
   */
  private readonly interned = new Array<Interned | undefined>(INTERN_SLOTS).fill(undefined)
  private internedCount = 0
  /** Expiry dates (month and year) shared by the records of this reader: they are few, and immutable. */
  private readonly expiries = new Map<number, { readonly month: number; readonly year: number }>()
  constructor(private buffer: Buffer, public at: number, private end: number) {}

  /** Starts reading another payload (with a new string table): one reader serves a whole recovery. */
  reset(buffer: Buffer, at: number, end: number): this {
    this.buffer = buffer
    this.at = at
    this.end = end
    this.table.length = 0
    return this
  }

  get done(): boolean {
    return this.at === this.end
  }

  byte(): number {
    if (this.at >= this.end) throw new CodecError()
    return this.buffer[this.at++]!
  }

  varint(): number {
    let n = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const b = this.byte()
      n += (b & 0x7f) * scale
      if (b < 0x80) return n
      scale *= 0x80
    }
    throw new CodecError()
  }

  number(): number {
    const tag = this.byte()
    if (tag === 0) return this.varint()
    if (tag !== 1 || this.at + 8 > this.end) throw new CodecError()
    const n = this.buffer.readDoubleLE(this.at)
    this.at += 8
    return n
  }

  string(): string {
    const n = this.varint()
    const start = this.at
    if (n > this.end - start) throw new CodecError()
    this.at = start + n
    return (this.buffer as unknown as Utf8Slicing).utf8Slice(start, start + n)
  }

  shared(): string {
    const k = this.varint()
    if (k === 0) {
      const s = this.string()
      this.table.push(s)
      return s
    }
    if (k > this.table.length) throw new CodecError()
    return this.table[k - 1]!
  }

  /** A table string, reused from an earlier frame when one had the same bytes. */
  private common(): string {
    const k = this.varint()
    if (k !== 0) {
      if (k > this.table.length) throw new CodecError()
      return this.table[k - 1]!
    }
    const n = this.varint()
    const start = this.at
    if (n > this.end - start) throw new CodecError()
    this.at = start + n
    const slot = hashBytes(this.buffer, start, start + n) & (INTERN_SLOTS - 1)
    const first = this.interned[slot]
    let s: string | undefined
    for (let e = first; e !== undefined; e = e.next) {
      if (sameBytes(e.bytes, this.buffer, start, n)) {
        s = e.value
        break
      }
    }
    if (s === undefined) {
      s = (this.buffer as unknown as Utf8Slicing).utf8Slice(start, start + n)
      if (this.internedCount < INTERN_MAX) {
        this.interned[slot] = { bytes: this.buffer.slice(start, start + n), value: s, next: first }
        this.internedCount++
      }
    }
    this.table.push(s)
    return s
  }

  /** An expiry date, shared with earlier records of this reader when equal. */
  private expiry(): { readonly month: number; readonly year: number } {
    const month = this.number()
    const year = this.number()
    // Small non-negative integers only (any other value, -0 included, gets its own object): the key is exact.
    const small = Number.isInteger(month) && Number.isInteger(year) && month >= 0 && month < 16 && year >= 0 && year < 0x100000
    if (!small || Object.is(month, -0) || Object.is(year, -0)) return { month, year }
    const key = year * 16 + month
    let e = this.expiries.get(key)
    if (e === undefined) {
      e = Object.freeze({ month, year })
      if (this.expiries.size < EXPIRIES_MAX) this.expiries.set(key, e)
    }
    return e
  }

  private pick<A>(table: ReadonlyArray<A>): A {
    const i = this.byte()
    if (i >= table.length) throw new CodecError()
    return table[i]!
  }

  record(): TokenRecord.TokenRecord {
    const flags = this.varint()
    if (flags > F_ALL) throw new CodecError()
    const format = this.pick(FORMATS)
    const instrument = this.pick(INSTRUMENTS)
    const status = this.pick(STATUSES)
    const token = this.string()
    const merchantId = this.common()
    const scope = this.common() as Group.Scope
    const customerId = flags & F_CUSTOMER ? this.shared() : undefined
    const brand = flags & F_BRAND ? this.common() as CardBrand.CardBrand : undefined
    const maskedPan = this.string()
    const expiry = flags & F_EXPIRY ? this.expiry() : undefined
    const fingerprint = flags & F_FINGERPRINT ? this.string() : undefined
    const sealed = flags & F_SEALED ? { keyVersion: this.number(), ciphertext: this.string() } : undefined
    const deletion = flags & F_DELETION ? { reason: this.pick(REASONS), on: this.common() as IsoDate.IsoDate } : undefined
    const createdAt = this.shared()
    const lastActivity = this.common() as IsoDate.IsoDate
    const retainUntil = this.common() as IsoDate.IsoDate
    const count = this.varint()
    let agreements = NO_AGREEMENTS
    if (count > 0) {
      // Sized up front: pushing onto an empty array would reserve 17 slots.
      if (count > this.end - this.at) throw new CodecError()
      const list = new Array<PaymentUse.Agreement>(count)
      for (let i = 0; i < count; i++) list[i] = { type: this.pick(AGREEMENTS), initialTransactionId: this.string() }
      agreements = list
    }
    const merchantRequestId = flags & F_REQUEST_ID ? this.string() : undefined
    const requestDigest = flags & F_DIGEST ? this.string() : undefined
    const version = this.number()
    return {
      token,
      format,
      merchantId,
      scope,
      customerId,
      instrument,
      brand,
      maskedPan,
      expiry,
      fingerprint,
      sealed,
      status,
      deletion,
      createdAt,
      lastActivity,
      extended: (flags & F_EXTENDED) !== 0,
      retainUntil,
      agreements,
      merchantRequestId,
      requestDigest,
      version
    }
  }
}
