/**
 * Transaction ids (32 lowercase hex digits, 128 random bits) cut from blocks
 * of bytes that the vault draws from its `SecureRandom` service: one service
 * call per 256 ids instead of one per use, and ids that a synchronous path
 * can take. A block is the fresh array the service answers (its contract);
 * each byte is handed out once and zeroed as it goes.
 *
 * @internal
 */

/** Bytes per draw from the service: 256 ids. */
export const BLOCK = 4096

const ID_BYTES = 16

const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0))

export class TransactionIds {
  #bytes: Uint8Array = new Uint8Array(0)
  #offset = 0

  /** The next id, or `undefined` when the block is used up (`refill` it first). */
  take(): string | undefined {
    if (this.#offset + ID_BYTES > this.#bytes.length) return undefined
    const codes = new Array<number>(ID_BYTES * 2)
    for (let i = 0; i < ID_BYTES; i++) {
      const b = this.#bytes[this.#offset + i]!
      codes[2 * i] = HEX[b >> 4]!
      codes[2 * i + 1] = HEX[b & 15]!
    }
    this.#bytes.fill(0, this.#offset, this.#offset + ID_BYTES)
    this.#offset += ID_BYTES
    return String.fromCharCode(...codes)
  }

  /** Takes `bytes`, fresh from the service, as the block (whatever was left of the old one is zeroed and dropped). */
  refill(bytes: Uint8Array): void {
    this.#bytes.fill(0)
    this.#bytes = bytes
    this.#offset = 0
  }
}
