/**
 * The vault's use cases over the ports: tokenize (standalone and during a
 * payment), authorize a use for payment, one-click listing, token data,
 * status and expiry updates, validity checks, deletion, retention extension,
 * the retention sweep, merchants and groups.
 *
 * Every use case fails with a {@link TokenError.TokenError} carrying a stable
 * code and the gateway's code. Port failures map to `STORE_UNAVAILABLE`,
 * `STORE_CONFLICT` and `CRYPTO_FAILURE`. The current time comes from Effect's
 * `Clock`; random bytes from `SecureRandom`.
 *
 * **Details**
 *
 * - Idempotency: the same `merchantRequestId` with the same payload returns
 *   the same token; with a different payload, `IDEMPOTENCY_CONFLICT`. The
 *   payload is compared through a keyed digest, never stored in clear. A new
 *   key answered with an existing duplicate token is bound to that token for
 *   the asking merchant (`TokenStore.bindRequestId`), whoever owns it and
 *   whatever key it carries.
 * - Duplicates: the same card, for the same customer and scope, returns the
 *   existing ACTIVE token (whatever format the new request asked for); when
 *   the new request carries a later expiry, the token's expiry is updated
 *   (a reissued card). The store enforces one ACTIVE token per card, customer
 *   and scope, so concurrent requests cannot make two.
 * - Custom tokens: a value already used for another card (or deleted) is
 *   refused with `CUSTOM_TOKEN_TAKEN` (Axerve 1163); for the same card the
 *   existing token is returned.
 * - Access: a merchant outside a token's scope gets `TOKEN_NOT_FOUND`, the
 *   same error as for a token that does not exist.
 *
 * @since 0.1.0
 */
import {
  Expiry,
  Group,
  Iban,
  IsoDate,
  Mask,
  Merchant,
  MerchantPrefix,
  Pan,
  PaymentTokenization,
  PaymentUse,
  RequestToken,
  Retention,
  TokenError,
  TokenFormat,
  TokenRecord,
  TokenStatus
} from "@tokenvault/core"
import { Clock, Context, DateTime, Effect, Layer, Redacted, Result } from "effect"
import * as SecureRandom from "effect/crypto/SecureRandom"
import * as CardCrypto from "./CardCrypto.ts"
import { Calendar } from "./internal/calendar.ts"
import { BLOCK as TransactionIdBlock, TransactionIds } from "./internal/transactionIds.ts"
import * as Plaintext from "./Plaintext.ts"
import * as TokenStore from "./TokenStore.ts"

type TE = TokenError.TokenError

/**
 * A token as the vault shows it: never the PAN. These are exactly the keys of
 * the CLI's token output.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenView {
  readonly token: string
  readonly merchantId: string
  readonly customerId: string | null
  readonly maskedPan: string
  readonly brand: string | null
  readonly expiryMonth: number | null
  readonly expiryYear: number | null
  readonly status: TokenStatus.Status
  readonly retainUntil: string
  readonly format: TokenFormat.Name
}

/**
 * A one-click checkout entry (ACI): token, brand, last 4 and expiry.
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
 * A standalone tokenization request. Give a card (`pan` and `expiry`) or a
 * bank account (`iban`).
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenizeRequest {
  readonly merchantId: string
  readonly customerId?: string | undefined
  readonly pan?: string | Pan.Pan | Redacted.Redacted<string> | undefined
  /** `MM/YY` text or month and year. */
  readonly expiry?: string | Expiry.Expiry | undefined
  readonly iban?: string | Redacted.Redacted<string> | undefined
  /** Axerve's requestToken: `MASKEDPAN`, a custom value, optionally after `:FORCED:`. */
  readonly requestToken?: string | undefined
  /** Overrides the merchant's default format (not with `requestToken`). */
  readonly format?: TokenFormat.Name | undefined
  /** The idempotency key. */
  readonly merchantRequestId?: string | undefined
}

/**
 * Tokenization during a payment: the tokenization flags and the payment's
 * outcome.
 *
 * @category models
 * @since 0.1.0
 */
export interface PaymentTokenizeRequest extends TokenizeRequest {
  readonly createRegistration?: boolean | undefined
  readonly outcome: PaymentTokenization.Outcome
}

/**
 * A request to use a token for a payment.
 *
 * @category models
 * @since 0.1.0
 */
export interface UseRequest {
  readonly merchantId: string
  readonly token: string
  readonly source: PaymentUse.Source
  readonly mode: PaymentUse.Mode
  readonly type: PaymentUse.AgreementType
  readonly initialTransactionId?: string | undefined
}

/**
 * The instrument a payment call needs. Its PAN and IBAN are `Pan` and `Iban`
 * values, which never print themselves: only `Pan.reveal` and `Iban.reveal`
 * give the digits, for the payment call.
 *
 * @category models
 * @since 0.1.0
 */
export type Instrument =
  | { readonly _tag: "Card"; readonly pan: Pan.Pan; readonly expiry: Expiry.Expiry }
  | { readonly _tag: "BankAccount"; readonly iban: Iban.Iban }

/**
 * An authorized use: the transaction id (an MIT later references a CIT
 * INITIAL's id) and the instrument for the payment call only.
 *
 * @category models
 * @since 0.1.0
 */
export interface Authorization {
  readonly token: string
  readonly transactionId: string
  readonly instrument: Instrument
}

/**
 * The result of a validity check (Axerve `callCheckCartaS2S` with
 * `tokenValue`).
 *
 * @category models
 * @since 0.1.0
 */
export interface Check {
  readonly token: string
  readonly valid: boolean
  readonly code: TokenError.ErrorCode | null
  readonly gatewayCode: string | null
}

/**
 * A merchant's configuration request; unset fields take defaults: a fresh
 * unique prefix, the `opaque` format, tokenization enabled, Luhn enforced.
 *
 * @category models
 * @since 0.1.0
 */
export interface AddMerchantRequest {
  readonly merchantId: string
  readonly prefix?: string | undefined
  readonly format?: TokenFormat.Name | undefined
  readonly tokenization?: boolean | undefined
  readonly luhn?: Pan.LuhnPolicy | undefined
}

/**
 * Sweep counts.
 *
 * @category models
 * @since 0.1.0
 */
export interface SweepResult {
  readonly purged: number
  readonly scanned: number
}

/**
 * The vault's operations.
 *
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /**
   * Registers a merchant. Unset fields take defaults: a fresh unique prefix, the `opaque`
   * format, tokenization enabled, Luhn enforced. Fails with `MERCHANT_EXISTS`,
   * `PREFIX_INVALID` or `PREFIX_TAKEN` (MERCHANT-PREFIX).
   */
  readonly addMerchant: (request: AddMerchantRequest) => Effect.Effect<Merchant.Merchant, TE>
  /**
   * Standalone tokenization of a card or a bank account. A replayed `merchantRequestId`
   * returns its token (IDEMPOTENCY); the same card for the same customer and scope returns
   * the existing ACTIVE token (DUPLICATE-CARD). Otherwise the instrument is sealed, a token
   * of the requested or the merchant's format is generated, and the record is stored.
   * Fails with `TOKENIZATION_DISABLED`, `PAN_*`, `EXPIRY_*`, `CARD_EXPIRED`,
   * `CUSTOM_TOKEN_INVALID` (1160–1162), `CUSTOM_TOKEN_TAKEN` (1163) or
   * `IDEMPOTENCY_CONFLICT`.
   */
  readonly tokenize: (request: TokenizeRequest) => Effect.Effect<TokenView, TE>
  /**
   * Tokenization during a payment: whether a token is made follows from
   * `createRegistration` or `requestToken` and the payment's outcome (TOKENIZE-ON-PAYMENT,
   * TOKENIZE-FORCED); `undefined` when none is.
   */
  readonly tokenizeDuringPayment: (request: PaymentTokenizeRequest) => Effect.Effect<TokenView | undefined, TE>
  /**
   * Authorizes a use of a token for a payment: checks status, retention, card expiry and
   * the card-on-file rules (USE-ACTIVE, RETENTION-PURGE, USE-CARD-NOT-EXPIRED,
   * COF-MIT-AGREEMENT, COF-COMBINATION), opens the sealed instrument for the payment call
   * (redacted), records the activity (which moves a non-card token's retention date) and
   * sets up an agreement on a CIT INITIAL use.
   */
  readonly authorizeUse: (request: UseRequest) => Effect.Effect<Authorization, TE>
  /**
   * A customer's one-click checkout entries (ACI): usable tokens only (ACTIVE, within
   * retention, card not expired), with brand, last 4 digits and expiry.
   */
  readonly listOneClick: (merchantId: string, customerId: string) => Effect.Effect<ReadonlyArray<OneClickEntry>, TE>
  /**
   * A token's public view. A token outside the merchant's scopes gives
   * `TOKEN_NOT_FOUND`, the same as an absent one (GROUP-ACCESS).
   */
  readonly getToken: (merchantId: string, token: string) => Effect.Effect<TokenView, TE>
  /** A customer's live tokens in the scopes the merchant can see. */
  readonly listByCustomer: (merchantId: string, customerId: string) => Effect.Effect<ReadonlyArray<TokenView>, TE>
  /** Every live token in the scopes the merchant can see. */
  readonly listByMerchant: (merchantId: string) => Effect.Effect<ReadonlyArray<TokenView>, TE>
  /**
   * Moves a token to `ACTIVE`, `SUSPENDED` or `DELETED` by the status table
   * (STATUS-TRANSITIONS); `DELETED` deletes as `deleteToken` does.
   */
  readonly updateStatus: (merchantId: string, token: string, status: TokenStatus.Status) => Effect.Effect<TokenView, TE>
  /**
   * Sets a card token's expiry (a reissued card, as Axerve's `CallUpdateTokenS2S` does)
   * and recomputes its retention date (RETENTION-CARD). Refuses deleted and non-card
   * tokens and dates already past.
   */
  readonly updateExpiry: (merchantId: string, token: string, expiry: string | Expiry.Expiry) => Effect.Effect<TokenView, TE>
  /**
   * Whether a token can be used now (Axerve's `callCheckCartaS2S` with `tokenValue`):
   * valid, or the code and gateway code a use would fail with.
   */
  readonly checkToken: (merchantId: string, token: string) => Effect.Effect<Check, TE>
  /**
   * Deletes a token: the sealed card data and the fingerprint are dropped at once and a
   * tombstone keeps the value from ever being issued again (DELETE-IRREVERSIBLE).
   * Deleting twice gives `TOKEN_ALREADY_DELETED`, ACI `100.350.303` (STATUS-DELETE-TWICE).
   */
  readonly deleteToken: (merchantId: string, token: string) => Effect.Effect<TokenView, TE>
  /**
   * Extends the retention period to 24 months; takes no parameters, and extending again
   * changes nothing (RETENTION-EXTEND). Refuses deleted tokens and tokens past retention.
   */
  readonly extendRetention: (merchantId: string, token: string) => Effect.Effect<TokenView, TE>
  /**
   * Purges every token whose retention date has come: each becomes a tombstone with
   * reason `RETENTION` (RETENTION-PURGE). Pages through the store's due index; running it
   * again purges nothing more.
   */
  readonly sweep: (options?: {
    readonly batchSize?: number | undefined
    readonly onProgress?: ((purged: number) => void) | undefined
  }) => Effect.Effect<SweepResult, TE>
  /** Creates a merchant group; `GROUP_EXISTS` when it exists. */
  readonly createGroup: (groupId: string) => Effect.Effect<void, TE>
  /**
   * Adds a merchant to a group, moving its previous tokens into the group when
   * `withTokens` is true (GROUP-MEMBERSHIP); returns how many tokens moved.
   */
  readonly joinGroup: (groupId: string, merchantId: string, withTokens: boolean) => Effect.Effect<number, TE>
  /**
   * Removes a merchant from a group, taking its tokens back when `takeTokens` is true and
   * leaving them with the group otherwise (GROUP-MEMBERSHIP); returns how many tokens moved.
   */
  readonly leaveGroup: (groupId: string, merchantId: string, takeTokens: boolean) => Effect.Effect<number, TE>
}

/**
 * The vault as an Effect service.
 *
 * @category services
 * @since 0.1.0
 */
export class Vault extends Context.Service<Vault, Service>()("@tokenvault/vault/Vault") {}

/**
 * The public view of a record.
 *
 * @category encoding
 * @since 0.1.0
 */
export const view = (r: TokenRecord.TokenRecord): TokenView => ({
  token: r.token,
  merchantId: r.merchantId,
  customerId: r.customerId ?? null,
  maskedPan: r.maskedPan,
  brand: r.brand ?? null,
  expiryMonth: r.expiry?.month ?? null,
  expiryYear: r.expiry?.year ?? null,
  status: r.status,
  retainUntil: r.retainUntil,
  format: r.format
})

const fromResult = <A>(r: Result.Result<A, TE>): Effect.Effect<A, TE> =>
  Result.isSuccess(r) ? Effect.succeed(r.success) : Effect.fail(r.failure)

const storeError = (e: TokenStore.TokenStoreError): TE =>
  e.reason._tag === "Conflict"
    ? TokenError.make("STORE_CONFLICT")
    : TokenError.make("STORE_UNAVAILABLE", { message: `The token store is unavailable (${e.reason._tag}).` })

const cryptoError = (): TE => TokenError.make("CRYPTO_FAILURE")

const s = <A>(effect: Effect.Effect<A, TokenStore.TokenStoreError>): Effect.Effect<A, TE> => Effect.mapError(effect, storeError)

/** A port's failure as the vault's error (the store's by reason, the crypto port's as `CRYPTO_FAILURE`); the vault's own pass through. */
const portError = (e: TE | TokenStore.TokenStoreError | CardCrypto.CardCryptoError): TE =>
  e._tag === "TokenStoreError" ? storeError(e) : e._tag === "CardCryptoError" ? cryptoError() : e

/**
 * Maps port failures once, at the end of a use case, instead of at every port call
 * (one runtime step per call fewer on the hot paths).
 */
const ports = <A, R>(effect: Effect.Effect<A, TE | TokenStore.TokenStoreError | CardCrypto.CardCryptoError, R>): Effect.Effect<A, TE, R> =>
  Effect.mapError(effect, portError)

const isDuplicate = (e: TokenStore.TokenStoreError, constraint: TokenStore.Duplicate["constraint"]): boolean =>
  e.reason._tag === "Duplicate" && e.reason.constraint === constraint

/** The success of a rule's result, or its failure: no step of the Effect runtime on success. */
function* ok<A>(result: Result.Result<A, TE>) {
  if (Result.isFailure(result)) return yield* result.failure
  return result.success
}

const decodeInstrument = (
  request: TokenizeRequest,
  merchant: Merchant.Merchant,
  now: DateTime.Utc
): Result.Result<{ readonly plaintext: string; readonly instrument: Instrument }, TE> => {
  if (request.pan !== undefined && request.iban !== undefined) {
    return Result.fail(TokenError.make("INVALID_INPUT", { message: "Give a card or a bank account, not both." }))
  }
  if (request.iban !== undefined) {
    const raw = Redacted.isRedacted(request.iban) ? Redacted.value(request.iban) : request.iban
    return Result.map(Iban.parse(raw), (iban) => ({ plaintext: `B:${Iban.reveal(iban)}`, instrument: { _tag: "BankAccount", iban } }))
  }
  if (request.pan === undefined) {
    return Result.fail(TokenError.make("INVALID_INPUT", { message: "A card number or an IBAN is required." }))
  }
  const pan = Pan.isPan(request.pan)
    ? (request.pan.luhnValid || merchant.luhn === "report"
      ? Result.succeed(request.pan)
      : Result.fail(TokenError.make("PAN_LUHN_FAILED", { rule: "PAN-LUHN" })))
    : Pan.parse(Redacted.isRedacted(request.pan) ? Redacted.value(request.pan) : request.pan, { luhn: merchant.luhn })
  if (Result.isFailure(pan)) return Result.fail(pan.failure)
  const expiry = typeof request.expiry === "string"
    ? Expiry.parse(request.expiry, "MM/YY")
    : request.expiry === undefined
    ? Result.fail(TokenError.make("EXPIRY_INVALID", { rule: "EXPIRY-FORMAT", message: "A card needs an expiry date." }))
    : typeof request.expiry === "object" && request.expiry !== null
    ? Expiry.make((request.expiry as Expiry.Expiry).month, (request.expiry as Expiry.Expiry).year)
    : Result.fail(TokenError.make("EXPIRY_INVALID", { rule: "EXPIRY-FORMAT" }))
  if (Result.isFailure(expiry)) return Result.fail(expiry.failure)
  if (Expiry.isExpired(expiry.success, now)) return Result.fail(TokenError.make("CARD_EXPIRED", { rule: "EXPIRY-END-OF-MONTH" }))
  return Result.succeed({
    plaintext: `C:${Pan.reveal(pan.success)}`,
    instrument: { _tag: "Card", pan: pan.success, expiry: expiry.success }
  })
}

const decodeOptionalId = (u: unknown, what: "customerId" | "merchantRequestId"): Result.Result<string | undefined, TE> =>
  u === undefined ? Result.succeed(undefined) : Merchant.decodeId(u, what)

/** A tokenize request's fields, decoded and checked against the merchant. */
interface DecodedTokenize {
  readonly customerId: string | undefined
  readonly requestId: string | undefined
  readonly requestToken: RequestToken.RequestToken | undefined
  readonly format: TokenFormat.Name
  readonly instrument: Instrument
  readonly plaintext: string
}

/**
 * Decodes a tokenize request for `merchant` at `now`, the first failing check's error
 * first. One result for the whole request: no step per field on the hot path.
 */
const decodeTokenize = (
  request: TokenizeRequest,
  merchant: Merchant.Merchant,
  formatOverride: TokenFormat.Name | undefined,
  now: DateTime.Utc
): Result.Result<DecodedTokenize, TE> => {
  const customerId = decodeOptionalId(request.customerId, "customerId")
  if (Result.isFailure(customerId)) return Result.fail(customerId.failure)
  const requestId = decodeOptionalId(request.merchantRequestId, "merchantRequestId")
  if (Result.isFailure(requestId)) return Result.fail(requestId.failure)
  const requestToken = request.requestToken === undefined ? undefined : RequestToken.parse(request.requestToken)
  if (requestToken !== undefined && Result.isFailure(requestToken)) return Result.fail(requestToken.failure)
  if (request.format !== undefined && !TokenFormat.names.includes(request.format)) {
    return Result.fail(TokenError.make("INVALID_INPUT", { message: "Unknown token format." }))
  }
  const parsed = requestToken?.success
  const format: TokenFormat.Name = parsed !== undefined
    ? (parsed._tag === "Standard" ? "standard" : "custom")
    : formatOverride ?? request.format ?? merchant.format
  if (format === "custom" && parsed?._tag !== "Custom") {
    return Result.fail(TokenError.make("REQUEST_TOKEN_INVALID", { rule: "REQUEST-TOKEN-SYNTAX", message: "A custom token needs a requestToken value." }))
  }
  const decoded = decodeInstrument(request, merchant, now)
  if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
  const { instrument, plaintext } = decoded.success
  if (format === "standard" && instrument._tag !== "Card") {
    return Result.fail(TokenError.make("INVALID_INPUT", { rule: "FORMAT-STANDARD", message: "A standard token needs a card." }))
  }
  return Result.succeed({ customerId: customerId.success, requestId: requestId.success, requestToken: parsed, format, instrument, plaintext })
}

const retentionOf = (r: Pick<TokenRecord.TokenRecord, "expiry" | "lastActivity">, extended: boolean): IsoDate.IsoDate =>
  Retention.retainUntil(
    r.expiry !== undefined ? { _tag: "Card", expiry: r.expiry } : { _tag: "NonCard", lastActivity: r.lastActivity },
    extended
  )

const laterExpiry = (a: Expiry.Expiry, b: Expiry.Expiry | undefined): boolean =>
  b === undefined || a.year > b.year || (a.year === b.year && a.month > b.month)

const MAX_RETRIES = 8

/** Sweep options: absent, or an object with a positive integer `batchSize` and a function `onProgress`. */
const validSweepOptions = (u: unknown): boolean => {
  if (u === undefined || u === null) return true
  if (typeof u !== "object") return false
  const { batchSize, onProgress } = u as { readonly batchSize?: unknown; readonly onProgress?: unknown }
  return (batchSize === undefined || (Number.isSafeInteger(batchSize) && (batchSize as number) >= 1)) &&
    (onProgress === undefined || typeof onProgress === "function")
}

const NO_AGREEMENTS: ReadonlyArray<PaymentUse.Agreement> = Object.freeze([])

/** A merchant's group membership and the scopes that follow from it. */
interface Membership {
  readonly groupId: string | undefined
  readonly membership: Group.Membership
  /** Where the merchant's new tokens go. */
  readonly scope: Group.Scope
  /** The scopes whose tokens the merchant sees. */
  readonly scopes: ReadonlyArray<Group.Scope>
}

/**
 * Builds the vault over the ports in context.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: Effect.Effect<Service, never, TokenStore.TokenStore | CardCrypto.CardCrypto | SecureRandom.SecureRandom> = Effect.gen(
  function*() {
    const store = yield* TokenStore.TokenStore
    const crypto = yield* CardCrypto.CardCrypto
    const random = yield* SecureRandom.SecureRandom

    const calendar = new Calendar()

    /** Merchants' memberships and scopes, kept per merchant while its group stays the same. */
    const memberships = new Map<string, Membership>()
    const membershipOf = (m: TokenStore.MerchantEntry): Membership => {
      const known = memberships.get(m.merchantId)
      if (known !== undefined && known.groupId === m.groupId) return known
      const membership: Group.Membership = m.groupId === undefined ? new Map() : new Map([[m.merchantId, m.groupId]])
      const next: Membership = {
        groupId: m.groupId,
        membership,
        scope: Group.scopeForNewTokens(m.merchantId, membership),
        scopes: Group.visibleScopes(m.merchantId, membership)
      }
      memberships.set(m.merchantId, next)
      return next
    }

    /** Card retention dates and shared expiry values, per expiry month and extension. */
    const cardRetention = new Map<number, { readonly expiry: Expiry.Expiry; readonly retainUntil: IsoDate.IsoDate }>()
    const retainCard = (expiry: Expiry.Expiry, extended: boolean) => {
      const key = (expiry.year * 12 + expiry.month) * 2 + (extended ? 1 : 0)
      let known = cardRetention.get(key)
      if (known === undefined) {
        known = {
          expiry: Object.freeze({ month: expiry.month, year: expiry.year }),
          retainUntil: Retention.retainUntil({ _tag: "Card", expiry }, extended)
        }
        cardRetention.set(key, known)
      }
      return known
    }

    function* merchantOf(merchantId: unknown) {
      const id = Merchant.decodeId(merchantId, "merchantId")
      if (Result.isFailure(id)) return yield* id.failure
      const merchant = yield* store.getMerchant(id.success)
      if (merchant === undefined) return yield* TokenError.make("MERCHANT_UNKNOWN")
      return merchant
    }

    /**
     * What a port's optional synchronous twin answers (`peek`, `fingerprintUnsafe`, `sealUnsafe`):
     * `undefined` when the port has none, it cannot answer at once, or it throws. The caller then
     * takes the effect, which waits or gives the typed error.
     */
    const atOnce = <A>(f: () => A | undefined): A | undefined => {
      try {
        return f()
      } catch {
        return undefined
      }
    }
    const peekMerchant = (merchantId: unknown): TokenStore.MerchantEntry | undefined => {
      const id = Merchant.decodeId(merchantId, "merchantId")
      return Result.isSuccess(id) ? atOnce(() => store.peek?.merchant(id.success)) : undefined
    }

    /** Whether `merchant` may see `record`: its own scope, or its group's (the one access rule of both use paths). */
    const mayAccess = (merchant: TokenStore.MerchantEntry, record: TokenRecord.TokenRecord): boolean =>
      Group.canAccess(record.scope, merchant.merchantId, membershipOf(merchant).membership)

    /** Finds a token the merchant may access, else TOKEN_NOT_FOUND (same as absent). */
    function* access(merchantId: unknown, token: unknown) {
      const merchant = yield* merchantOf(merchantId)
      const parsed = TokenFormat.parse(token)
      if (Result.isFailure(parsed)) return yield* parsed.failure
      const record = yield* store.get(parsed.success.token)
      if (record === undefined || !mayAccess(merchant, record)) {
        return yield* TokenError.make("TOKEN_NOT_FOUND", { rule: "GROUP-ACCESS" })
      }
      return { merchant, record }
    }

    /** Read-modify-CAS with retries; `f` returns the next record or fails. */
    const modify = (
      merchantId: unknown,
      token: unknown,
      f: (record: TokenRecord.TokenRecord, now: DateTime.Utc) => Effect.Effect<TokenRecord.TokenRecord | undefined, TE>
    ): Effect.Effect<TokenRecord.TokenRecord, TE> =>
      ports(Effect.gen(function*() {
        for (let attempt = 0;; attempt++) {
          const { record } = yield* access(merchantId, token)
          const now = yield* DateTime.now
          const next = yield* f(record, now)
          if (next === undefined) return record
          const written = yield* Effect.result(store.update(next))
          if (Result.isSuccess(written)) return next
          const e = written.failure
          if (e.reason._tag === "Conflict" && attempt < MAX_RETRIES) continue
          if (isDuplicate(e, "activeFingerprint")) {
            return yield* TokenError.make("ILLEGAL_TRANSITION", {
              rule: "DUPLICATE-CARD",
              message: "Another ACTIVE token exists for this card, customer and scope."
            })
          }
          return yield* storeError(e)
        }
      }))

    /** The token a merchant's key was answered with (its own key or a bound one), or IDEMPOTENCY_CONFLICT. */
    const existingByRequest = Effect.fnUntraced(function*(merchantId: string, requestId: string, digest: string) {
      const key = yield* s(store.getRequestKey(merchantId, requestId))
      if (key === undefined) return undefined
      if (key.requestDigest !== digest) return yield* TokenError.make("IDEMPOTENCY_CONFLICT", { rule: "IDEMPOTENCY" })
      return yield* s(store.get(key.token))
    })

    /** Binds a new key to the duplicate token it is answered with; a key taken meanwhile answers as a replay. */
    const bindKey = Effect.fnUntraced(function*(
      existing: TokenRecord.TokenRecord,
      merchantId: string,
      requestId: string | undefined,
      digest: string | undefined
    ) {
      if (requestId === undefined) return
      const bound = yield* Effect.result(
        store.bindRequestId({ merchantId, merchantRequestId: requestId, token: existing.token, requestDigest: digest })
      )
      if (Result.isSuccess(bound)) return
      if (!isDuplicate(bound.failure, "merchantRequestId")) return yield* storeError(bound.failure)
      // The key was taken concurrently: the same payload is that answer, another one a conflict.
      return yield* existingByRequest(merchantId, requestId, digest!)
    })

    const existingActive = Effect.fnUntraced(function*(
      scope: Group.Scope,
      fingerprint: string,
      customerId: string | undefined,
      today: IsoDate.IsoDate
    ) {
      const found = yield* s(store.findByFingerprint(scope, fingerprint))
      const active = found.find((r) => r.status === "ACTIVE" && r.customerId === customerId)
      if (active === undefined || Retention.isRetained(active.retainUntil, today)) return active
      // Past retention but not swept yet: purge it now, as the sweep would, so the card can be tokenized afresh.
      yield* Effect.ignore(store.update(TokenRecord.toTombstone(active, { reason: "RETENTION", on: today })))
      return undefined
    })

    /** Returns the existing token for a duplicate card, updating a later expiry. */
    const reuse = Effect.fnUntraced(function*(
      existing: TokenRecord.TokenRecord,
      instrument: Instrument,
      merchantId: string,
      requestId: string | undefined,
      digest: string | undefined
    ) {
      const answered = yield* bindKey(existing, merchantId, requestId, digest)
      if (answered !== undefined) return answered
      const later = instrument._tag === "Card" && laterExpiry(instrument.expiry, existing.expiry)
      if (later) {
        const expiry = instrument.expiry
        const next: TokenRecord.TokenRecord = {
          ...existing,
          expiry,
          retainUntil: retentionOf({ expiry, lastActivity: existing.lastActivity }, existing.extended),
          version: existing.version + 1
        }
        const written = yield* Effect.result(store.update(next))
        if (Result.isSuccess(written)) return next
        const latest = yield* s(store.get(existing.token))
        return latest ?? existing
      }
      return existing
    })

    const tokenizeUnmapped = Effect.fnUntraced(function*(request: TokenizeRequest, formatOverride: TokenFormat.Name | undefined) {
      if (typeof request !== "object" || request === null) return yield* TokenError.make("INVALID_INPUT")
      const merchant = peekMerchant(request.merchantId) ?? (yield* merchantOf(request.merchantId))
      const allowed = Merchant.requireTokenization(merchant)
      if (Result.isFailure(allowed)) return yield* allowed.failure
      const ms = yield* Clock.currentTimeMillis
      const today = calendar.dateOf(ms)
      const decoded = decodeTokenize(request, merchant, formatOverride, calendar.now(ms))
      if (Result.isFailure(decoded)) return yield* decoded.failure
      const { customerId, format, instrument, plaintext, requestId, requestToken } = decoded.success
      const secret = Plaintext.make(plaintext)
      const fingerprint = atOnce(() => crypto.fingerprintUnsafe?.(secret)) ?? (yield* crypto.fingerprint(secret))
      // What the idempotency digest covers: a replay with another card, customer, expiry or format is a conflict.
      const canonical = requestId === undefined ? undefined : Plaintext.make(
        JSON.stringify([
          plaintext,
          customerId ?? null,
          instrument._tag === "Card" ? instrument.expiry : null,
          requestToken === undefined ? null : RequestToken.format(requestToken),
          format
        ])
      )
      const digest = canonical === undefined
        ? undefined
        : atOnce(() => crypto.fingerprintUnsafe?.(canonical)) ?? (yield* crypto.fingerprint(canonical))
      const { membership, scope } = membershipOf(merchant)

      for (let attempt = 0;; attempt++) {
        // A new card goes straight to the insert (one store call fewer): the store's unique
        // constraints refuse a replay or a duplicate card, and the next attempt looks them up.
        const lookUp = attempt > 0 || format === "custom"
        if (lookUp && requestId !== undefined) {
          const replay = yield* existingByRequest(merchant.merchantId, requestId, digest!)
          if (replay !== undefined) return replay
        }
        const duplicate = lookUp ? yield* existingActive(scope, fingerprint, customerId, today) : undefined
        if (duplicate !== undefined) return yield* reuse(duplicate, instrument, merchant.merchantId, requestId, digest)

        let token: string
        if (format === "custom" && requestToken?._tag === "Custom") {
          token = merchant.prefix + requestToken.value
          const taken = yield* s(store.get(token))
          if (taken !== undefined) {
            const sameCard = taken.fingerprint === fingerprint && taken.status !== "DELETED" &&
              Group.canAccess(taken.scope, merchant.merchantId, membership)
            if (sameCard && Retention.isRetained(taken.retainUntil, today)) {
              return (yield* bindKey(taken, merchant.merchantId, requestId, digest)) ?? taken
            }
            // Past retention but not swept yet: purged now, as the sweep would; its value stays reserved.
            if (sameCard) yield* Effect.ignore(store.update(TokenRecord.toTombstone(taken, { reason: "RETENTION", on: today })))
            return yield* TokenError.make("CUSTOM_TOKEN_TAKEN", { rule: "CUSTOM-TOKEN-UNIQUE" })
          }
        } else {
          const bytes = yield* random.randomBytes(TokenFormat.formats[format].randomBytes)
          const generated = TokenFormat.generate(format, {
            random: bytes,
            prefix: merchant.prefix,
            pan: instrument._tag === "Card" ? instrument.pan : undefined
          })
          if (Result.isFailure(generated)) return yield* generated.failure
          token = generated.success
        }
        const aad = CardCrypto.associatedData(token, merchant.merchantId)
        const sealed = atOnce(() => crypto.sealUnsafe?.(secret, aad)) ?? (yield* crypto.seal(secret, aad))
        const card = instrument._tag === "Card" ? retainCard(instrument.expiry, false) : undefined
        // The fields a view reads come first, so a listing touches fewer cache lines per record.
        const record: TokenRecord.TokenRecord = {
          token,
          format,
          merchantId: merchant.merchantId,
          customerId,
          brand: instrument._tag === "Card" ? instrument.pan.brand : undefined,
          maskedPan: instrument._tag === "Card"
            ? Mask.bin6Last4(instrument.pan)
            : Mask.maskDigits(Iban.reveal(instrument.iban), Mask.styles.last4),
          expiry: card?.expiry,
          status: "ACTIVE",
          retainUntil: card?.retainUntil ?? retentionOf({ expiry: undefined, lastActivity: today }, false),
          scope,
          instrument: instrument._tag === "Card" ? "CARD" : "BANK_ACCOUNT",
          fingerprint,
          sealed,
          deletion: undefined,
          createdAt: calendar.iso(ms),
          lastActivity: today,
          extended: false,
          agreements: NO_AGREEMENTS,
          merchantRequestId: requestId,
          requestDigest: digest,
          version: 1
        }
        const inserted = yield* Effect.result(store.insert(record))
        if (Result.isSuccess(inserted)) return record
        const e = inserted.failure
        const retryable = isDuplicate(e, "token") || isDuplicate(e, "activeFingerprint") || isDuplicate(e, "merchantRequestId")
        if (!retryable || attempt >= MAX_RETRIES) {
          if (isDuplicate(e, "token") && format === "custom") {
            return yield* TokenError.make("CUSTOM_TOKEN_TAKEN", { rule: "CUSTOM-TOKEN-UNIQUE" })
          }
          return yield* storeError(e)
        }
      }
    })
    const tokenizeWith = (request: TokenizeRequest, formatOverride: TokenFormat.Name | undefined) =>
      ports(tokenizeUnmapped(request, formatOverride))

    const addMerchant = Effect.fnUntraced(function*(request: AddMerchantRequest) {
      if (typeof request !== "object" || request === null) return yield* TokenError.make("INVALID_INPUT")
      const merchantId = yield* fromResult(Merchant.decodeId(request.merchantId, "merchantId"))
      const format = request.format ?? "opaque"
      if (!TokenFormat.names.includes(format)) return yield* TokenError.make("INVALID_INPUT", { message: "Unknown token format." })
      const luhn = request.luhn ?? "enforce"
      if (luhn !== "enforce" && luhn !== "report") return yield* TokenError.make("INVALID_INPUT", { message: "luhn must be enforce or report." })
      if (request.tokenization !== undefined && typeof request.tokenization !== "boolean") {
        return yield* TokenError.make("INVALID_INPUT", { message: "tokenization must be a boolean." })
      }
      if ((yield* s(store.getMerchant(merchantId))) !== undefined) return yield* TokenError.make("MERCHANT_EXISTS")
      const registry = new Map((yield* s(store.listMerchants())).map((m) => [m.merchantId, m.prefix] as const))
      let prefix: string | undefined
      if (request.prefix !== undefined) {
        prefix = yield* fromResult(MerchantPrefix.validate(request.prefix, merchantId, registry))
      } else {
        while (prefix === undefined) prefix = MerchantPrefix.assign(yield* random.randomBytes(32), registry)
      }
      const merchant: Merchant.Merchant = { merchantId, prefix, format, tokenization: request.tokenization ?? true, luhn }
      const put = yield* Effect.result(store.putMerchant(merchant))
      if (Result.isFailure(put)) {
        return yield* isDuplicate(put.failure, "prefix")
          ? TokenError.make("PREFIX_TAKEN", { rule: "MERCHANT-PREFIX" })
          : isDuplicate(put.failure, "merchant") // registered concurrently (a store that checks, as PostgreSQL's does)
          ? TokenError.make("MERCHANT_EXISTS")
          : storeError(put.failure)
      }
      return merchant
    })

    const instrumentOf = (record: TokenRecord.TokenRecord, plaintext: string): Result.Result<Instrument, TE> => {
      if (plaintext.startsWith("B:")) return Result.map(Iban.parse(plaintext.slice(2)), (iban): Instrument => ({ _tag: "BankAccount", iban }))
      return Result.map(
        Pan.parse(plaintext.slice(2), { luhn: "report" }),
        (pan): Instrument => ({ _tag: "Card", pan, expiry: record.expiry! })
      )
    }

    /** Whether `record` may be used as `use` at `ms`: the use's decision, or why not. */
    const checkUse = (record: TokenRecord.TokenRecord, use: PaymentUse.Use, ms: number): Result.Result<PaymentUse.Decision, TE> =>
      record.status === "DELETED" && record.deletion?.reason === "RETENTION"
        ? Result.fail(TokenError.make("RETENTION_EXPIRED", { rule: "RETENTION-PURGE" }))
        : PaymentUse.authorize(record, use, calendar.now(ms))

    /** The retention date after a use on `today`: a non-card token's is anchored on its last use. */
    const retainAfterUse = (record: TokenRecord.TokenRecord, today: IsoDate.IsoDate): IsoDate.IsoDate =>
      record.expiry === undefined ? retentionOf({ expiry: undefined, lastActivity: today }, record.extended) : record.retainUntil

    /**
     * Whether a use leaves the record as it is: a use records its day (the retention anchor
     * of a non-card token) and a CIT INITIAL's agreement, so a later use on the same day that
     * sets up nothing writes nothing.
     */
    const leavesRecord = (record: TokenRecord.TokenRecord, decision: PaymentUse.Decision, today: IsoDate.IsoDate): boolean =>
      decision.createsAgreement === undefined && record.lastActivity === today && record.retainUntil === retainAfterUse(record, today)

    const ids = new TransactionIds()
    const transactionId: Effect.Effect<string> = Effect.suspend(() => {
      const id = ids.take()
      if (id !== undefined) return Effect.succeed(id)
      return Effect.map(random.randomBytes(TransactionIdBlock), (bytes) => {
        ids.refill(bytes)
        return ids.take()!
      })
    })

    const useToken = Effect.fnUntraced(function*(request: UseRequest) {
      if (typeof request !== "object" || request === null) return yield* TokenError.make("INVALID_INPUT")
      const use = yield* ok(PaymentUse.decodeUse(request))
      for (let attempt = 0;; attempt++) {
        const { record } = yield* access(request.merchantId, request.token)
        const ms = yield* Clock.currentTimeMillis
        const today = calendar.dateOf(ms)
        const decision = yield* ok(checkUse(record, use, ms))
        const opened = yield* crypto.open(record.sealed!, CardCrypto.associatedData(record.token, record.merchantId))
        const instrument = yield* ok(instrumentOf(record, Plaintext.reveal(opened)))
        const authorization: Authorization = { token: record.token, transactionId: yield* transactionId, instrument }
        if (leavesRecord(record, decision, today)) return authorization
        const agreements = decision.createsAgreement === undefined
          ? record.agreements
          : [
            ...record.agreements.filter((a) => a.type !== decision.createsAgreement),
            { type: decision.createsAgreement, initialTransactionId: authorization.transactionId }
          ]
        const next: TokenRecord.TokenRecord = {
          ...record,
          lastActivity: today,
          retainUntil: retainAfterUse(record, today),
          agreements,
          version: record.version + 1
        }
        const written = yield* Effect.result(store.update(next))
        if (Result.isSuccess(written)) return authorization
        if (written.failure.reason._tag !== "Conflict" || attempt >= MAX_RETRIES) return yield* storeError(written.failure)
      }
    })

    /**
     * A use answered in one step instead of one per port call: when the store and the crypto
     * adapter answer synchronously (`peek`, `openUnsafe`), the use is allowed, it leaves the
     * record as it is, and an id is at hand. The checks are `useToken`'s own functions. Anything
     * else, failures included (a synchronous read that throws too), answers `undefined`, and
     * `useToken` does it all again and gives the error or makes the write.
     */
    const useAtOnce = (request: UseRequest, ms: number): Authorization | undefined => {
      if (store.peek === undefined || crypto.openUnsafe === undefined || typeof request !== "object" || request === null) return undefined
      const use = PaymentUse.decodeUse(request)
      const merchantId = Merchant.decodeId(request.merchantId, "merchantId")
      const token = request.token
      if (Result.isFailure(use) || Result.isFailure(merchantId) || !TokenFormat.isTokenValue(token)) return undefined
      const merchant = store.peek.merchant(merchantId.success)
      const record = merchant === undefined ? undefined : store.peek.record(token)
      if (merchant === undefined || record === undefined || record.sealed === undefined || !mayAccess(merchant, record)) return undefined
      const decision = checkUse(record, use.success, ms)
      if (Result.isFailure(decision) || !leavesRecord(record, decision.success, calendar.dateOf(ms))) return undefined
      // The id first: with the block used up, the card is not decrypted twice.
      const transactionId = ids.take()
      if (transactionId === undefined) return undefined
      const opened = crypto.openUnsafe(record.sealed, CardCrypto.associatedData(record.token, record.merchantId))
      const instrument = opened === undefined ? undefined : instrumentOf(record, Plaintext.reveal(opened))
      return instrument === undefined || Result.isFailure(instrument)
        ? undefined
        : { token: record.token, transactionId, instrument: instrument.success }
    }

    const authorizeUse = (request: UseRequest): Effect.Effect<Authorization, TE> =>
      Clock.clockWith((clock) => {
        const ms = clock.currentTimeMillisUnsafe()
        const done = atOnce(() => useAtOnce(request, ms))
        return done === undefined ? ports(useToken(request)) : Effect.succeed(done)
      })

    function* visible(merchantId: unknown) {
      return membershipOf(yield* merchantOf(merchantId)).scopes
    }

    const customerRecords = Effect.fnUntraced(function*(merchantId: string, customerId: string) {
      const scopes = yield* visible(merchantId)
      const id = yield* ok(Merchant.decodeId(customerId, "customerId"))
      if (scopes.length === 1) return yield* s(store.findByCustomer(scopes[0]!, id))
      const out: Array<TokenRecord.TokenRecord> = []
      for (const scope of scopes) out.push(...(yield* s(store.findByCustomer(scope, id))))
      return out
    })
    const byCustomer = (merchantId: string, customerId: string) => ports(customerRecords(merchantId, customerId))

    const listOneClick = Effect.fnUntraced(function*(merchantId: string, customerId: string) {
      const records = yield* byCustomer(merchantId, customerId)
      const now = yield* DateTime.now
      const today = IsoDate.fromDateTime(now)
      return records
        .filter((r) =>
          r.status === "ACTIVE" && Retention.isRetained(r.retainUntil, today) && (r.expiry === undefined || !Expiry.isExpired(r.expiry, now))
        )
        .map((r): OneClickEntry => ({
          token: r.token,
          brand: r.brand ?? null,
          last4: r.maskedPan.slice(-4),
          expiryMonth: r.expiry?.month ?? null,
          expiryYear: r.expiry?.year ?? null
        }))
    })

    const listByMerchant = Effect.fnUntraced(function*(merchantId: string) {
      const scopes = yield* visible(merchantId)
      const out: Array<TokenView> = []
      for (const scope of scopes) {
        let cursor: string | undefined
        do {
          const page = yield* s(store.listByScope(scope, { limit: store.capabilities.maxPageSize, cursor }))
          for (const r of page.items) out.push(view(r))
          cursor = page.cursor
        } while (cursor !== undefined)
      }
      return out
    }, ports)

    const tombstone = (record: TokenRecord.TokenRecord, today: IsoDate.IsoDate): Effect.Effect<TokenRecord.TokenRecord, TE> =>
      Effect.map(
        fromResult(TokenStatus.transition(record.status, "DELETE")),
        () => TokenRecord.toTombstone(record, { reason: "DEREGISTERED", on: today })
      )

    const deleteToken = (merchantId: string, token: string) =>
      Effect.map(modify(merchantId, token, (r, now) => tombstone(r, IsoDate.fromDateTime(now))), view)

    const updateStatus = (merchantId: string, token: string, status: TokenStatus.Status) =>
      TokenStatus.isStatus(status) && status === "DELETED"
        ? deleteToken(merchantId, token)
        : Effect.map(
          modify(merchantId, token, (r) =>
            Effect.map(fromResult(TokenStatus.transitionTo(r.status, status)), (next) => ({ ...r, status: next, version: r.version + 1 }))),
          view
        )

    const updateExpiry = (merchantId: string, token: string, expiryInput: string | Expiry.Expiry) =>
      Effect.map(
        modify(merchantId, token, (r, now) =>
          Effect.gen(function*() {
            if (r.status === "DELETED") {
              return yield* r.deletion?.reason === "RETENTION"
                ? TokenError.make("RETENTION_EXPIRED", { rule: "RETENTION-PURGE" })
                : TokenError.make("TOKEN_DELETED", { rule: "DELETE-IRREVERSIBLE" })
            }
            if (!Retention.isRetained(r.retainUntil, IsoDate.fromDateTime(now))) {
              return yield* TokenError.make("RETENTION_EXPIRED", { rule: "RETENTION-PURGE" })
            }
            if (r.instrument !== "CARD") return yield* TokenError.make("INVALID_INPUT", { message: "Only card tokens have an expiry." })
            const expiry = yield* fromResult(
              typeof expiryInput === "string"
                ? Expiry.parse(expiryInput, "MM/YY")
                : typeof expiryInput === "object" && expiryInput !== null
                ? Expiry.make(expiryInput.month, expiryInput.year)
                : Result.fail(TokenError.make("EXPIRY_INVALID", { rule: "EXPIRY-FORMAT" }))
            )
            if (Expiry.isExpired(expiry, now)) return yield* TokenError.make("CARD_EXPIRED", { rule: "EXPIRY-END-OF-MONTH" })
            return {
              ...r,
              expiry,
              retainUntil: retentionOf({ expiry, lastActivity: r.lastActivity }, r.extended),
              version: r.version + 1
            }
          })),
        view
      )

    const extendRetention = (merchantId: string, token: string) =>
      Effect.map(
        modify(merchantId, token, (r, now) => {
          if (r.status === "DELETED") {
            return Effect.fail(
              r.deletion?.reason === "RETENTION"
                ? TokenError.make("RETENTION_EXPIRED", { rule: "RETENTION-PURGE" })
                : TokenError.make("TOKEN_DELETED", { rule: "DELETE-IRREVERSIBLE" })
            )
          }
          if (!Retention.isRetained(r.retainUntil, IsoDate.fromDateTime(now))) {
            return Effect.fail(TokenError.make("RETENTION_EXPIRED", { rule: "RETENTION-PURGE" }))
          }
          if (r.extended) return Effect.succeed(undefined)
          return Effect.succeed({ ...r, extended: true, retainUntil: retentionOf(r, true), version: r.version + 1 })
        }),
        view
      )

    const checkToken = Effect.fnUntraced(function*(merchantId: string, token: string) {
      const { record } = yield* access(merchantId, token)
      const now = yield* DateTime.now
      const failure = record.status === "DELETED" && record.deletion?.reason === "RETENTION"
        ? TokenError.make("RETENTION_EXPIRED", { rule: "RETENTION-PURGE" })
        : (() => {
          const r = PaymentUse.authorize(record, { source: "CIT", mode: "REPEATED", type: "UNSCHEDULED" }, now)
          return Result.isFailure(r) ? r.failure : undefined
        })()
      return {
        token: record.token,
        valid: failure === undefined,
        code: failure?.code ?? null,
        gatewayCode: failure?.gatewayCode ?? null
      } satisfies Check
    }, ports)

    const sweep = Effect.fnUntraced(function*(options?: {
      readonly batchSize?: number | undefined
      readonly onProgress?: ((purged: number) => void) | undefined
    }) {
      if (!validSweepOptions(options)) {
        return yield* TokenError.make("INVALID_INPUT", {
          message: "batchSize must be a positive integer and onProgress a function."
        })
      }
      const today = IsoDate.fromDateTime(yield* DateTime.now)
      const limit = Math.min(options?.batchSize ?? 1000, store.capabilities.maxPageSize)
      let purged = 0
      let scanned = 0
      let cursor: string | undefined
      do {
        const page = yield* s(store.dueForPurge(today, { limit, cursor }))
        for (const r of page.items) {
          scanned++
          const next = TokenRecord.toTombstone(r, { reason: "RETENTION", on: today })
          const written = yield* Effect.result(store.update(next))
          if (Result.isSuccess(written)) purged++
          else if (written.failure.reason._tag !== "Conflict" && written.failure.reason._tag !== "NotFound") {
            return yield* storeError(written.failure)
          }
        }
        options?.onProgress?.(purged)
        cursor = page.cursor
      } while (cursor !== undefined)
      return { purged, scanned } satisfies SweepResult
    })

    const createGroup = Effect.fnUntraced(function*(groupId: string) {
      const id = yield* fromResult(Merchant.decodeId(groupId, "groupId"))
      const created = yield* Effect.result(store.createGroup(id))
      if (Result.isFailure(created)) {
        return yield* isDuplicate(created.failure, "group") ? TokenError.make("GROUP_EXISTS") : storeError(created.failure)
      }
    })

    const changeMembership = Effect.fnUntraced(function*(
      groupId: string,
      merchantId: string,
      compute: (membership: Group.Membership, merchantId: string, groupId: string) => Result.Result<Group.Change, TE>,
      joining: boolean
    ) {
      const merchant = yield* merchantOf(merchantId)
      const id = yield* fromResult(Merchant.decodeId(groupId, "groupId"))
      if (!(yield* s(store.hasGroup(id)))) return yield* TokenError.make("GROUP_UNKNOWN")
      const change = yield* fromResult(compute(membershipOf(merchant).membership, merchant.merchantId, id))
      const moved = yield* Effect.result(
        store.changeMembership({ merchantId: merchant.merchantId, groupId: joining ? id : undefined, rescope: change.rescope })
      )
      if (Result.isFailure(moved)) {
        return yield* isDuplicate(moved.failure, "activeFingerprint")
          ? TokenError.make("GROUP_MEMBERSHIP", {
            rule: "DUPLICATE-CARD",
            message: "Moving the tokens would leave two ACTIVE tokens for one card and customer in a scope."
          })
          : storeError(moved.failure)
      }
      return moved.success
    }, ports)

    const tokenize = (request: TokenizeRequest) => Effect.map(tokenizeWith(request, undefined), view)

    return Vault.of({
      addMerchant,
      tokenize,
      tokenizeDuringPayment: (request) =>
        ports(Effect.gen(function*() {
          if (typeof request !== "object" || request === null) return yield* TokenError.make("INVALID_INPUT")
          const decision = yield* fromResult(
            PaymentTokenization.decide({ createRegistration: request.createRegistration, requestToken: request.requestToken }, request.outcome)
          )
          if (decision._tag === "NoToken") {
            yield* merchantOf(request.merchantId)
            return undefined
          }
          return view(yield* tokenizeWith(request, decision.format))
        })),
      authorizeUse,
      listOneClick,
      getToken: Effect.fnUntraced(function*(merchantId: string, token: string) {
        return view((yield* access(merchantId, token)).record)
      }, ports),
      listByCustomer: (merchantId, customerId) => Effect.map(byCustomer(merchantId, customerId), (rs) => rs.map(view)),
      listByMerchant,
      updateStatus,
      updateExpiry,
      checkToken,
      deleteToken,
      extendRetention,
      sweep,
      createGroup,
      joinGroup: (groupId, merchantId, withTokens) =>
        changeMembership(groupId, merchantId, (m, id, g) => Group.join(m, id, g, withTokens === true), true),
      leaveGroup: (groupId, merchantId, takeTokens) =>
        changeMembership(groupId, merchantId, (m, id, g) => Group.leave(m, id, g, takeTokens === true), false)
    })
  }
)

/**
 * The vault layer over the ports.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<Vault, never, TokenStore.TokenStore | CardCrypto.CardCrypto | SecureRandom.SecureRandom> = Layer.effect(
  Vault,
  make
)
