/**
 * Random bytes for GCM nonces and tokens, drawn from the OS CSPRNG in 4 KiB
 * refills (`randomFillSync`) and handed out in slices that are never reused.
 * One `randomBytes` call costs about as much as an AES-GCM encryption of a
 * PAN; a pooled slice costs a fraction of it (docs/benchmarks.md).
 *
 * @internal
 */
import { randomFillSync } from "node:crypto"

const POOL = 4096

export class RandomPool {
  #pool = new Uint8Array(POOL)
  #offset = POOL

  /** `size` fresh random bytes (a copy, so a caller may keep it). */
  take(size: number): Uint8Array {
    if (size > POOL) return randomFillSync(new Uint8Array(size))
    if (this.#offset + size > POOL) {
      randomFillSync(this.#pool)
      this.#offset = 0
    }
    const out = this.#pool.slice(this.#offset, this.#offset + size)
    // Zero what was handed out so a later bug cannot hand it out again.
    this.#pool.fill(0, this.#offset, this.#offset + size)
    this.#offset += size
    return out
  }
}

/** 96-bit GCM nonces from a {@link RandomPool}. */
export class NonceSource {
  readonly #pool = new RandomPool()
  next(): Uint8Array {
    return this.#pool.take(12)
  }
}
