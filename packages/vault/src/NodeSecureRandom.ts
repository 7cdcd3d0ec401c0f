/**
 * Effect's `SecureRandom` service on `node:crypto`, drawing from a pooled
 * `randomFillSync` buffer: each byte comes from the OS CSPRNG and is handed
 * out once.
 *
 * @since 0.1.0
 */
import { Layer } from "effect"
import * as SecureRandom from "effect/crypto/SecureRandom"
import { RandomPool } from "./internal/nonces.ts"

/**
 * A pooled node `SecureRandom`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (): SecureRandom.SecureRandom["Service"] => {
  const pool = new RandomPool()
  return SecureRandom.make((size) => pool.take(size))
}

/**
 * The layer.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<SecureRandom.SecureRandom> = Layer.sync(SecureRandom.SecureRandom, make)
