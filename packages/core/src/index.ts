/**
 * `@tokenvault/core`: the pure rules of payment-card tokens, from the three
 * gateway APIs tokenvault follows (ACI registration tokens, Axerve/GestPay
 * tokens, AlliancePay tokens). No services, no I/O, no clock, no randomness:
 * time and random bytes are inputs.
 *
 * @packageDocumentation
 * @since 0.1.0
 */

/** @since 0.1.0 */
export * as CardBrand from "./CardBrand.ts"
/** @since 0.1.0 */
export * as CustomToken from "./CustomToken.ts"
/** @since 0.1.0 */
export * as Expiry from "./Expiry.ts"
/** @since 0.1.0 */
export * as Group from "./Group.ts"
/** @since 0.1.0 */
export * as Iban from "./Iban.ts"
/** @since 0.1.0 */
export * as IsoDate from "./IsoDate.ts"
/** @since 0.1.0 */
export * as Mask from "./Mask.ts"
/** @since 0.1.0 */
export * as Merchant from "./Merchant.ts"
/** @since 0.1.0 */
export * as MerchantPrefix from "./MerchantPrefix.ts"
/** @since 0.1.0 */
export * as Pan from "./Pan.ts"
/** @since 0.1.0 */
export * as PaymentTokenization from "./PaymentTokenization.ts"
/** @since 0.1.0 */
export * as PaymentUse from "./PaymentUse.ts"
/** @since 0.1.0 */
export * as RequestToken from "./RequestToken.ts"
/** @since 0.1.0 */
export * as Retention from "./Retention.ts"
/** @since 0.1.0 */
export * as Rules from "./Rules.ts"
/** @since 0.1.0 */
export * as TokenError from "./TokenError.ts"
/** @since 0.1.0 */
export * as TokenFormat from "./TokenFormat.ts"
/** @since 0.1.0 */
export * as TokenRecord from "./TokenRecord.ts"
/** @since 0.1.0 */
export * as TokenStatus from "./TokenStatus.ts"
