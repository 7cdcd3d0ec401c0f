/**
 * `@tokenvault/vault`: the ports (`TokenStore`, `CardCrypto`), the vault's use
 * cases over them, the in-memory store, node:crypto adapters and the Promise
 * facade.
 *
 * @packageDocumentation
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as CardCrypto from "./CardCrypto.ts"
/** @since 0.1.0 */
export * as MemoryTokenStore from "./MemoryTokenStore.ts"
/** @since 0.1.0 */
export * as NodeCardCrypto from "./NodeCardCrypto.ts"
/** @since 0.1.0 */
export * as NodeSecureRandom from "./NodeSecureRandom.ts"
/** @since 0.1.0 */
export * as PromiseVault from "./PromiseVault.ts"
/** @since 0.1.0 */
export * as TokenStore from "./TokenStore.ts"
/** @since 0.1.0 */
export * as Vault from "./Vault.ts"
