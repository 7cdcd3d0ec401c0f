/**
 * AlliancePay's token creation (`token/v1/create`) over the vault: the card
 * number and expiry arrive as JWEs encrypted to the merchant's published key
 * ({@link CardIntake}), and the answer is exactly AlliancePay's response
 * `{ customerId, token, maskedPan, merchantId, status }`.
 *
 * **Order of checks**
 *
 * The request's fields are checked first (`INVALID_INPUT`), then the merchant
 * (`MERCHANT_UNKNOWN`, `TOKENIZATION_DISABLED`); only then are the JWEs
 * decrypted (each refusal keeps its own `JWE_*` code), and the card is
 * tokenized by {@link Vault.Service.tokenize} with the merchant's Luhn
 * policy. A refused request writes nothing.
 *
 * **Idempotency**
 *
 * `merchantRequestId` is the vault's idempotency key. The payload compared
 * is the decrypted card, the customer and the expiry, not the JWE strings:
 * a retry that encrypts the same card again (new ephemeral key, new
 * ciphertext) returns the same token; another card under the same
 * `merchantRequestId` gives `IDEMPOTENCY_CONFLICT`.
 *
 * **The `date` field**
 *
 * AlliancePay calls it the "date and time of the transaction"
 * (`2025-02-20 16:42:05.00+00:00`): the merchant's own timestamp of the
 * request. It must be a real calendar date and time with an explicit offset
 * (`Z` or `±HH:MM`), else `INVALID_INPUT`. It decides nothing: card expiry
 * and retention are judged on the vault's clock, never on a time the caller
 * chose, and a retry of the same `merchantRequestId` may carry a later date.
 *
 * @since 0.1.0
 */
import { Merchant, TokenError, type TokenStatus } from "@tokenvault/core"
import { DateTime, Effect, Redacted, Result } from "effect"
import * as CardIntake from "./CardIntake.ts"
import type * as Jwe from "./Jwe.ts"
import type * as KeyFile from "./KeyFile.ts"
import * as TokenStore from "./TokenStore.ts"
import * as Vault from "./Vault.ts"

type TE = TokenError.TokenError

/**
 * An AlliancePay token-creation request.
 *
 * @category models
 * @since 0.1.0
 */
export interface CreateRequest {
  /** The idempotency key (1–64 of `[A-Za-z0-9._-]`; AlliancePay sends a UUID). */
  readonly merchantRequestId: string
  readonly merchantId: string
  readonly customerId: string
  /** A compact JWE of the card number. */
  readonly encryptedCardNumber: string
  /** A compact JWE of the expiry, `YYMM`. */
  readonly encryptedExpDate: string
  /** The merchant's timestamp of the request, e.g. `2025-02-20 16:42:05.00+00:00`. */
  readonly date: string
}

/**
 * AlliancePay's token-creation response: these keys and no others.
 *
 * @category models
 * @since 0.1.0
 */
export interface CreateResponse {
  readonly customerId: string
  readonly token: string
  readonly maskedPan: string
  readonly merchantId: string
  readonly status: TokenStatus.Status
}

/**
 * The services the use cases run on.
 *
 * @category models
 * @since 0.1.0
 */
export interface Ports {
  readonly vault: Vault.Service
  readonly store: TokenStore.Service
  readonly intake: CardIntake.Service
}

/**
 * The use cases.
 *
 * @category models
 * @since 0.1.0
 */
export interface Service {
  /** Creates (or, on a retry or for a known card, returns) the token of an encrypted card. */
  readonly create: (request: CreateRequest) => Effect.Effect<CreateResponse, TE>
  /** {@link Service.create} with the vault's full {@link Vault.TokenView} as the answer. */
  readonly createView: (request: CreateRequest) => Effect.Effect<Vault.TokenView, TE>
  /** The public key a known merchant publishes for encrypting card data (`MERCHANT_UNKNOWN` otherwise). */
  readonly publicJwk: (merchantId: string) => Effect.Effect<Jwe.PublicJwk, TE | KeyFile.KeyFileError>
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/

const invalidDate = (): TE =>
  TokenError.make("INVALID_INPUT", { message: "date must be a date and time with an offset, e.g. 2025-02-20 16:42:05.00+00:00." })

/**
 * Reads AlliancePay's `date`: `YYYY-MM-DD`, `T` or a space, `HH:MM:SS`, an
 * optional fraction, then `Z` or `±HH:MM`. The date must exist in the
 * calendar; the answer is the instant in UTC.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeDate = (u: unknown): Result.Result<DateTime.Utc, TE> => {
  const m = typeof u === "string" ? DATE.exec(u) : null
  if (m === null) return Result.fail(invalidDate())
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const local = Date.UTC(year, month - 1, day, hour, minute, second)
  const parts = new Date(local)
  const exists = parts.getUTCFullYear() === year && parts.getUTCDate() === day && month >= 1 && month <= 12 && hour < 24 && minute < 60 && second < 60
  const offsetHours = Number(m[9] ?? 0)
  const offsetMinutes = Number(m[10] ?? 0)
  if (!exists || offsetHours > 23 || offsetMinutes > 59) return Result.fail(invalidDate())
  const offset = (m[8] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000
  const millis = Math.floor(Number(`0.${m[7] ?? "0"}`) * 1000)
  return Result.succeed(DateTime.makeUnsafe(local - offset + millis))
}

/**
 * AlliancePay's response for a token.
 *
 * @category getters
 * @since 0.1.0
 */
export const response = (view: Vault.TokenView): CreateResponse => ({
  customerId: view.customerId ?? "",
  token: view.token,
  maskedPan: view.maskedPan,
  merchantId: view.merchantId,
  status: view.status
})

/**
 * The use cases over the given services.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = ({ intake, store, vault }: Ports): Service => {
  const merchantOf = (merchantId: unknown) =>
    Effect.flatMap(Effect.fromResult(Merchant.decodeId(merchantId, "merchantId")), (id) =>
      Effect.flatMap(
        Effect.mapError(store.getMerchant(id), () => TokenError.make("STORE_UNAVAILABLE")),
        (merchant) => merchant === undefined ? Effect.fail(TokenError.make("MERCHANT_UNKNOWN")) : Effect.succeed(merchant)
      ))

  const createView = Effect.fnUntraced(function*(request: CreateRequest) {
    if (typeof request !== "object" || request === null) return yield* TokenError.make("INVALID_INPUT")
    const merchantRequestId = yield* Effect.fromResult(Merchant.decodeId(request.merchantRequestId, "merchantRequestId"))
    const customerId = yield* Effect.fromResult(Merchant.decodeId(request.customerId, "customerId"))
    yield* Effect.fromResult(decodeDate(request.date))
    const merchant = yield* merchantOf(request.merchantId)
    yield* Effect.fromResult(Merchant.requireTokenization(merchant))
    const card = yield* intake.decryptCard(
      merchant.merchantId,
      { encryptedCardNumber: request.encryptedCardNumber, encryptedExpDate: request.encryptedExpDate },
      { luhn: merchant.luhn }
    )
    return yield* vault.tokenize({
      merchantId: merchant.merchantId,
      customerId,
      pan: Redacted.value(card.pan),
      expiry: card.expiry,
      merchantRequestId
    })
  })

  return {
    create: (request) => Effect.map(createView(request), response),
    createView,
    publicJwk: (merchantId) => Effect.flatMap(merchantOf(merchantId), (merchant) => intake.publicJwk(merchant.merchantId))
  }
}

const fromContext = Effect.gen(function*() {
  return make({ vault: yield* Vault.Vault, store: yield* TokenStore.TokenStore, intake: yield* CardIntake.CardIntake })
})

/**
 * Creates the token of an encrypted card, with the services from context
 * (see {@link Service.create}).
 *
 * @category use cases
 * @since 0.1.0
 */
export const create = (
  request: CreateRequest
): Effect.Effect<CreateResponse, TE, Vault.Vault | TokenStore.TokenStore | CardIntake.CardIntake> =>
  Effect.flatMap(fromContext, (s) => s.create(request))

/**
 * A known merchant's public encryption key, with the services from context
 * (see {@link Service.publicJwk}).
 *
 * @category use cases
 * @since 0.1.0
 */
export const publicJwk = (
  merchantId: string
): Effect.Effect<Jwe.PublicJwk, TE | KeyFile.KeyFileError, Vault.Vault | TokenStore.TokenStore | CardIntake.CardIntake> =>
  Effect.flatMap(fromContext, (s) => s.publicJwk(merchantId))
