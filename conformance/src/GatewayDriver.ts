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
  /** The token value, in the shape of its `format`. */
  readonly token: string
  /** The merchant that created the token. */
  readonly merchantId: string
  /** The customer it was created for, or `null` when none was given. */
  readonly customerId: string | null
  /** BIN and last 4 of a card (`411111••••••1111`), last 4 of an IBAN; empty once deleted. */
  readonly maskedPan: string
  /** The card brand as the gateways name it (`VISA`, `MASTER`, …); `null` for an IBAN or an unknown range. */
  readonly brand: string | null
  /** The card's expiry month, 1–12; `null` for an IBAN. */
  readonly expiryMonth: number | null
  /** The card's expiry year, four digits; `null` for an IBAN. */
  readonly expiryYear: number | null
  /** The token's status; only `ACTIVE` tokens can be used. */
  readonly status: Status
  /** The purge date, `YYYY-MM-DD`. */
  readonly retainUntil: string
  /** The format the token value was generated in. */
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
  /** The new merchant's id: 1–64 characters of `[A-Za-z0-9._-]`, not yet configured. */
  readonly merchantId: string
  /** 4 characters of `[A-Z0-9]`, unique among merchants; a fresh one when unset. */
  readonly prefix?: string | undefined
  /** The merchant's default token format; the gateway's own default when unset (the built-in vault's is `opaque`). */
  readonly format?: FormatName | undefined
  /** Whether the merchant may tokenize; `true` when unset. */
  readonly tokenization?: boolean | undefined
  /** `enforce` refuses a Luhn-invalid card (the default); `report` accepts it. */
  readonly luhn?: "enforce" | "report" | undefined
}

/**
 * A merchant as configured.
 *
 * @category models
 * @since 0.1.0
 */
export interface MerchantView {
  /** The merchant's id. */
  readonly merchantId: string
  /** The prefix its `standard` and `custom` tokens start with. */
  readonly prefix: string
  /** Its default token format. */
  readonly format: FormatName
  /** Whether it may tokenize. */
  readonly tokenization: boolean
  /** Its Luhn policy. */
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
  /** The merchant asking; the token is created in its scope. */
  readonly merchantId: string
  /** The customer the token is for; duplicate detection is per customer. */
  readonly customerId?: string | undefined
  /** The card number, 12 to 19 ASCII digits; never echoed back. */
  readonly pan?: string | undefined
  /** The card's expiry, `MM/YY`; required with `pan`. */
  readonly expiry?: string | undefined
  /** A bank account instead of a card. */
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
  /** ACI's flag: make a `registration` token once the payment succeeds (not with `requestToken`). */
  readonly createRegistration?: boolean | undefined
  /** How the payment ended: a token is made when it is authorized or verified, or when `:FORCED:`. */
  readonly outcome: "AUTHORIZED" | "DECLINED" | "VERIFIED"
}

/**
 * The token a payment made, or `null` when it made none.
 *
 * @category models
 * @since 0.1.0
 */
export interface PaymentResult {
  /** The token the payment made, or `null` when it made none (a declined payment without `:FORCED:`). */
  readonly token: TokenView | null
}

/**
 * A use of a token for a payment (card on file).
 *
 * @category models
 * @since 0.1.0
 */
export interface UseRequest {
  /** The merchant using the token; it must be in the token's scope. */
  readonly merchantId: string
  /** The token to charge. */
  readonly token: string
  /** Who starts the payment: the cardholder (`CIT`) or the merchant (`MIT`). */
  readonly source: "CIT" | "MIT"
  /** `INITIAL` sets up an agreement (CIT only); `REPEATED` relies on one. */
  readonly mode: "INITIAL" | "REPEATED"
  /** The agreement's type; a MIT must match its CIT INITIAL's. */
  readonly type: "UNSCHEDULED" | "RECURRING" | "INSTALLMENT"
  /** The CIT INITIAL's `transactionId`; required for a MIT REPEATED use. */
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
  /** The token used. */
  readonly token: string
  /** The new transaction's id, never seen before; a later MIT quotes a CIT INITIAL's. */
  readonly transactionId: string
}

/**
 * A one-click checkout entry.
 *
 * @category models
 * @since 0.1.0
 */
export interface OneClickEntry {
  /** The token to charge. */
  readonly token: string
  /** The card brand, or `null` when unknown. */
  readonly brand: string | null
  /** The card's last 4 digits: all a checkout page may show. */
  readonly last4: string
  /** The card's expiry month, 1–12. */
  readonly expiryMonth: number | null
  /** The card's expiry year, four digits. */
  readonly expiryYear: number | null
}

/**
 * A validity check: whether the token can be used now, and if not, why.
 *
 * @category models
 * @since 0.1.0
 */
export interface CheckResult {
  /** The token checked. */
  readonly token: string
  /** Whether a use now would be accepted. */
  readonly valid: boolean
  /** When not valid, the stable code of the first refusal (as `authorizeUse` would reject with); else `null`. */
  readonly code: string | null
  /** When not valid, the gateway's code for the refusal, if it has one; else `null`. */
  readonly gatewayCode: string | null
}

/**
 * A token as a merchant names it.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenRef {
  /** The merchant asking; a token outside its scope is reported as not found. */
  readonly merchantId: string
  /** The token value. */
  readonly token: string
}

/**
 * How far to move the clock.
 *
 * @category models
 * @since 0.1.0
 */
export interface Advance {
  /** Whole days to add. */
  readonly days?: number | undefined
  /** Calendar months to add, applied before `days` (the day clamped to the month's end). */
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
