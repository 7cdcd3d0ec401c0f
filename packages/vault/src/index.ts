/**
 * `@tokenvault/vault`: the ports (`TokenStore`, `CardCrypto`, `CardIntake`),
 * the vault's use cases over them (AlliancePay's encrypted token creation
 * included), the in-memory store, node:crypto adapters, the keyring with its
 * key file and JWE decryption, and the Promise facade.
 *
 * @packageDocumentation
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as CardCrypto from "./CardCrypto.ts"
/** @since 0.1.0 */
export * as CardIntake from "./CardIntake.ts"
/** @since 0.1.0 */
export * as EncryptedTokenize from "./EncryptedTokenize.ts"
/** @since 0.1.0 */
export * as Jwe from "./Jwe.ts"
/** @since 0.1.0 */
export * as KeyFile from "./KeyFile.ts"
/** @since 0.1.0 */
export * as Keyring from "./Keyring.ts"
/** @since 0.1.0 */
export * as MemoryTokenStore from "./MemoryTokenStore.ts"
/** @since 0.1.0 */
export * as NodeCardCrypto from "./NodeCardCrypto.ts"
/** @since 0.1.0 */
export * as NodeSecureRandom from "./NodeSecureRandom.ts"
/** @since 0.1.0 */
export * as Plaintext from "./Plaintext.ts"
/** @since 0.1.0 */
export * as PromiseVault from "./PromiseVault.ts"
/** @since 0.1.0 */
export * as TokenStore from "./TokenStore.ts"
/** @since 0.1.0 */
export * as Vault from "./Vault.ts"
