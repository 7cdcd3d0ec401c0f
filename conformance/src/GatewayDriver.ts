/**
 * The gateway driver: a transport-neutral, Promise-based view of a vault's
 * use cases, so one suite checks the in-process vault, an HTTP gateway or a
 * CLI alike. Requests and responses are plain JSON-able objects; a refused
 * request rejects with an object carrying the stable `code` (from
 * `TokenError.catalogue`) and the gateway's `gatewayCode`.
 *
 * **Details**
 *
 * - The driver owns a controllable clock: `setNow(iso)` sets the instant the
 *   gateway sees, `advance({ days, months })` moves it. The suite never
 *   sleeps on the wall clock.
 * - A driver is created fresh for every run (`() => Promise<GatewayDriver>`)
 *   and must start empty: no merchants, no groups, no tokens.
 * - Rejections may be the implementation's own error objects (the built-in
 *   driver passes the vault's `TokenError` through), as long as they carry
 *   `code` and `gatewayCode`: NO-PAN-LEAK scans exactly what callers see.
 *
 * @since 0.1.0
 */

/**
 * What a refused request rejects with.
 *
 * @category errors
 * @since 0.1.0
 */
export interface GatewayError {
  /** A stable code from `TokenError.catalogue`. */
  readonly code: string
  /** The gateway's own code (ACI's, else Axerve's), when there is one. */
  readonly gatewayCode?: string | null | undefined
}

/**
 * True when `u` looks like a {@link GatewayError}.
 *
 * @category guards
 * @since 0.1.0
 */
export const isGatewayError = (u: unknown): u is GatewayError =>
  typeof u === "object" && u !== null && typeof (u as { code?: unknown }).code === "string"

/**
 * A token format's name.
 *
 * @category models
 * @since 0.1.0
 */
export type FormatName = "registration" | "standard" | "custom" | "opaque"

/**
 * A token status.
 *
 * @category models
 * @since 0.1.0
 */
export type Status = "ACTIVE" | "SUSPENDED" | "DELETED"

/**
 * A token as the gateway shows it; never the card number.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenView {
  readonly token: string
  /** The merchant that created the token. */
  readonly merchantId: string
  readonly customerId: string | null
  /** BIN and last 4 of a card (`411111••••••1111`), last 4 of an IBAN; empty once deleted. */
  readonly maskedPan: string
  readonly brand: string | null
  readonly expiryMonth: number | null
  readonly expiryYear: number | null
  readonly status: Status
  /** The purge date, `YYYY-MM-DD`. */
  readonly retainUntil: string
  readonly format: FormatName
}

/**
 * A merchant's configuration request; unset fields take the gateway's
 * defaults (a fresh unique prefix, tokenization enabled, Luhn enforced).
 *
 * @category models
 * @since 0.1.0
 */
export interface MerchantRequest {
  readonly merchantId: string
  readonly prefix?: string | undefined
  readonly format?: FormatName | undefined
  readonly tokenization?: boolean | undefined
  readonly luhn?: "enforce" | "report" | undefined
}

/**
 * A merchant as configured.
 *
 * @category models
 * @since 0.1.0
 */
export interface MerchantView {
  readonly merchantId: string
  readonly prefix: string
  readonly format: FormatName
  readonly tokenization: boolean
  readonly luhn: "enforce" | "report"
}

/**
 * A standalone tokenization: a card (`pan`, `expiry` as `MM/YY`) or a bank
 * account (`iban`).
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenizeRequest {
  readonly merchantId: string
  readonly customerId?: string | undefined
  readonly pan?: string | undefined
  readonly expiry?: string | undefined
  readonly iban?: string | undefined
  /** `MASKEDPAN`, a custom value, either after `:FORCED:`. */
  readonly requestToken?: string | undefined
  /** Overrides the merchant's default format (not with `requestToken`). */
  readonly format?: FormatName | undefined
  /** The idempotency key, unique per merchant. */
  readonly merchantRequestId?: string | undefined
}

/**
 * Tokenization during a payment, with the payment's outcome.
 *
 * @category models
 * @since 0.1.0
 */
export interface PaymentRequest extends TokenizeRequest {
  readonly createRegistration?: boolean | undefined
  readonly outcome: "AUTHORIZED" | "DECLINED" | "VERIFIED"
}

/**
 * The token a payment made, or `null` when it made none.
 *
 * @category models
 * @since 0.1.0
 */
export interface PaymentResult {
  readonly token: TokenView | null
}

/**
 * A use of a token for a payment (card on file).
 *
 * @category models
 * @since 0.1.0
 */
export interface UseRequest {
  readonly merchantId: string
  readonly token: string
  readonly source: "CIT" | "MIT"
  readonly mode: "INITIAL" | "REPEATED"
  readonly type: "UNSCHEDULED" | "RECURRING" | "INSTALLMENT"
  readonly initialTransactionId?: string | undefined
}

/**
 * An authorized use: its transaction id (a later MIT quotes a CIT
 * INITIAL's). The instrument never crosses the driver.
 *
 * @category models
 * @since 0.1.0
 */
export interface UseResult {
  readonly token: string
  readonly transactionId: string
}

/**
 * A one-click checkout entry.
 *
 * @category models
 * @since 0.1.0
 */
export interface OneClickEntry {
  readonly token: string
  readonly brand: string | null
  readonly last4: string
  readonly expiryMonth: number | null
  readonly expiryYear: number | null
}

/**
 * A validity check: whether the token can be used now, and if not, why.
 *
 * @category models
 * @since 0.1.0
 */
export interface CheckResult {
  readonly token: string
  readonly valid: boolean
  readonly code: string | null
  readonly gatewayCode: string | null
}

/**
 * A token as a merchant names it.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenRef {
  readonly merchantId: string
  readonly token: string
}

/**
 * How far to move the clock.
 *
 * @category models
 * @since 0.1.0
 */
export interface Advance {
  readonly days?: number | undefined
  readonly months?: number | undefined
}

/**
 * The driver: every use case of the vault, a controllable clock, and
 * `close`.
 *
 * @category models
 * @since 0.1.0
 */
export interface GatewayDriver {
  /** A short name for reports. */
  readonly name: string
  /** Sets the gateway's current instant (ISO 8601, UTC). */
  readonly setNow: (iso: string) => Promise<void>
  /** Moves the gateway's clock forward. */
  readonly advance: (by: Advance) => Promise<void>
  /** Configures a merchant. */
  readonly addMerchant: (request: MerchantRequest) => Promise<MerchantView>
  /** Creates a merchant group. */
  readonly createGroup: (request: { readonly groupId: string }) => Promise<void>
  /** Puts a merchant in a group, bringing its tokens or not; resolves with how many tokens moved. */
  readonly joinGroup: (
    request: { readonly groupId: string; readonly merchantId: string; readonly withTokens: boolean }
  ) => Promise<{ readonly moved: number }>
  /** Takes a merchant out of its group, taking its tokens or not; resolves with how many tokens moved. */
  readonly leaveGroup: (
    request: { readonly groupId: string; readonly merchantId: string; readonly takeTokens: boolean }
  ) => Promise<{ readonly moved: number }>
  /** Standalone tokenization. */
  readonly tokenize: (request: TokenizeRequest) => Promise<TokenView>
  /** Tokenization during a payment with the given outcome. */
  readonly tokenizeDuringPayment: (request: PaymentRequest) => Promise<PaymentResult>
  /** Uses a token for a payment (card on file). */
  readonly authorizeUse: (request: UseRequest) => Promise<UseResult>
  /** The customer's tokens usable for one-click checkout now. */
  readonly listOneClick: (
    request: { readonly merchantId: string; readonly customerId: string }
  ) => Promise<ReadonlyArray<OneClickEntry>>
  /** A token's view, for a merchant in its scope. */
  readonly getToken: (request: TokenRef) => Promise<TokenView>
  /** A customer's live tokens in the merchant's scopes. */
  readonly listByCustomer: (
    request: { readonly merchantId: string; readonly customerId: string }
  ) => Promise<ReadonlyArray<TokenView>>
  /** Every live token in the merchant's scopes. */
  readonly listByMerchant: (request: { readonly merchantId: string }) => Promise<ReadonlyArray<TokenView>>
  /** Moves a token to a status by the status table. */
  readonly updateStatus: (request: TokenRef & { readonly status: Status }) => Promise<TokenView>
  /** Sets a card token's new expiry (`MM/YY`). */
  readonly updateExpiry: (request: TokenRef & { readonly expiry: string }) => Promise<TokenView>
  /** Whether a token could be used now, and if not, the refusal's code. */
  readonly checkToken: (request: TokenRef) => Promise<CheckResult>
  /** Deletes a token; its value stays reserved. */
  readonly deleteToken: (request: TokenRef) => Promise<TokenView>
  /** Extends a token's retention to 24 months. */
  readonly extendRetention: (request: TokenRef) => Promise<TokenView>
  /** Purges every token whose retention date has come. */
  readonly sweep: () => Promise<{ readonly purged: number }>
  /** Releases the gateway. */
  readonly close: () => Promise<void>
}
