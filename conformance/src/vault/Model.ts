/**
 * The reference model of a gateway: merchants, groups, a list of tokens and
 * a clock, with the rules written as short functions over them (full scans,
 * no indexes). Token values are random in the real system, so the model
 * learns each new value from the response and then predicts everything
 * else: which request returns which existing token, which fails with which
 * code, what every view and list shows, and when.
 *
 * @since 0.1.0
 */
import type * as fc from "fast-check"
import type * as GatewayDriver from "../GatewayDriver.ts"
import { addMonths, endOfValidity, today } from "../internal/dates.ts"
import { type Expected, rejection } from "../internal/driverCall.ts"

/**
 * A card of the run: a canary PAN and the brand its IIN gives.
 *
 * @category models
 * @since 0.1.0
 */
export interface Card {
  readonly pan: string
  readonly brand: string
  readonly luhnValid: boolean
}

/**
 * A card's expiry.
 *
 * @category models
 * @since 0.1.0
 */
export interface Expiry {
  readonly month: number
  readonly year: number
}

/**
 * What a token stands for.
 *
 * @category models
 * @since 0.1.0
 */
export type Instrument =
  | { readonly kind: "CARD"; readonly card: Card; readonly expiry: Expiry }
  | { readonly kind: "BANK_ACCOUNT"; readonly iban: string }

/**
 * A merchant as the model knows it.
 *
 * @category models
 * @since 0.1.0
 */
export interface MerchantState extends GatewayDriver.MerchantView {
  readonly groupId: string | undefined
}

/**
 * A token as the model knows it.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenState {
  readonly token: string
  readonly format: GatewayDriver.FormatName
  readonly owner: string
  readonly scope: string
  readonly customerId: string | undefined
  readonly instrument: Instrument
  readonly status: GatewayDriver.Status
  readonly deletion: "DEREGISTERED" | "RETENTION" | undefined
  readonly lastActivity: string
  readonly extended: boolean
  /** Agreement type → the initial transaction id that set it up. */
  readonly agreements: Readonly<Record<string, string>>
  /** The idempotency key the owner created the token with, if any. */
  readonly requestId: string | undefined
  readonly payload: string | undefined
}

/**
 * An idempotency key a merchant was answered with an existing duplicate
 * token under (a key that did not create the token).
 *
 * @category models
 * @since 0.1.0
 */
export interface BoundKey {
  /** The asking merchant, whose key space the key belongs to. */
  readonly merchantId: string
  readonly requestId: string
  readonly token: string
  /** The identity of the request's payload (see {@link payloadOf}). */
  readonly payload: string
}

/**
 * The model's state.
 *
 * @category models
 * @since 0.1.0
 */
export interface Model {
  /** The gateway's current instant. */
  now: string
  readonly merchants: Map<string, MerchantState>
  readonly groups: Set<string>
  /** Every token in the order it was issued; deleted ones stay. */
  readonly tokens: Array<TokenState>
  /** Every token value ever issued. */
  readonly issued: Set<string>
  /** Keys bound to duplicate tokens, by {@link keyId}; checked before a token's own key. */
  readonly boundKeys: Map<string, BoundKey>
  /** Every transaction id returned by an authorized use. */
  readonly transactions: Array<{ readonly token: string; readonly type: string; readonly id: string }>
  readonly cards: ReadonlyArray<Card>
  readonly ibans: ReadonlyArray<string>
}

/**
 * The system under test.
 *
 * @category models
 * @since 0.1.0
 */
export interface Real {
  readonly driver: GatewayDriver.GatewayDriver
}

/**
 * A gateway command.
 *
 * @category models
 * @since 0.1.0
 */
export type Command = fc.AsyncCommand<Model, Real>

/**
 * An empty model at `now` with the run's cards and IBANs.
 *
 * @category constructors
 * @since 0.1.0
 */
export const empty = (now: string, cards: ReadonlyArray<Card>, ibans: ReadonlyArray<string>): Model => ({
  now,
  merchants: new Map(),
  groups: new Set(),
  tokens: [],
  issued: new Set(),
  boundKeys: new Map(),
  transactions: [],
  cards,
  ibans
})

/**
 * The model's current date.
 *
 * @category getters
 * @since 0.1.0
 */
export const todayOf = (m: Model): string => today(m.now)

/**
 * The retention period in months.
 *
 * @category getters
 * @since 0.1.0
 */
export const periodMonths = (extended: boolean): number => (extended ? 24 : 14)

/**
 * The purge date of a token: 14 (extended: 24) months after the end of the
 * card's expiry month, or after the last activity of a bank account.
 *
 * @category getters
 * @since 0.1.0
 */
export const retainUntil = (t: TokenState): string =>
  addMonths(t.instrument.kind === "CARD" ? endOfValidity(t.instrument.expiry) : t.lastActivity, periodMonths(t.extended))

/**
 * The retention rule a token's date follows.
 *
 * @category getters
 * @since 0.1.0
 */
export const retentionRule = (t: TokenState): string =>
  t.extended ? "RETENTION-EXTEND" : t.instrument.kind === "CARD" ? "RETENTION-CARD" : "RETENTION-NON-CARD"

/**
 * True while a token is within retention on `date`.
 *
 * @category predicates
 * @since 0.1.0
 */
export const isRetained = (t: TokenState, date: string): boolean => date < retainUntil(t)

/**
 * True once a card has expired on `date` (valid through its month's end).
 *
 * @category predicates
 * @since 0.1.0
 */
export const isExpired = (expiry: Expiry, date: string): boolean => date >= endOfValidity(expiry)

/**
 * What makes two tokens the same instrument (the card number or the IBAN).
 *
 * @category getters
 * @since 0.1.0
 */
export const instrumentKey = (i: Instrument): string => (i.kind === "CARD" ? `C:${i.card.pan}` : `B:${i.iban}`)

/**
 * The scope of a merchant's new tokens: its group's, else its own.
 *
 * @category getters
 * @since 0.1.0
 */
export const scopeForNew = (m: MerchantState): string => (m.groupId === undefined ? `merchant:${m.merchantId}` : `group:${m.groupId}`)

/**
 * True when a merchant may see and use a token.
 *
 * @category predicates
 * @since 0.1.0
 */
export const canAccess = (model: Model, merchantId: string, t: TokenState): boolean => {
  const m = model.merchants.get(merchantId)
  return m !== undefined && (t.scope === `merchant:${merchantId}` || (m.groupId !== undefined && t.scope === `group:${m.groupId}`))
}

/**
 * A token by value.
 *
 * @category getters
 * @since 0.1.0
 */
export const find = (m: Model, token: string): TokenState | undefined => m.tokens.find((t) => t.token === token)

/**
 * Replaces a token's state.
 *
 * @category combinators
 * @since 0.1.0
 */
export const put = (m: Model, next: TokenState): void => {
  const i = m.tokens.findIndex((t) => t.token === next.token)
  if (i === -1) m.tokens.push(next)
  else m.tokens[i] = next
}

/**
 * The ACTIVE token holding the slot `(scope, customer, instrument)`, other
 * than `except`.
 *
 * @category getters
 * @since 0.1.0
 */
export const activeIn = (
  m: Model,
  scope: string,
  customerId: string | undefined,
  key: string,
  except?: string
): TokenState | undefined =>
  m.tokens.find((t) =>
    t.token !== except && t.status === "ACTIVE" && t.scope === scope && t.customerId === customerId && instrumentKey(t.instrument) === key
  )

/**
 * The identity of a merchant's idempotency key.
 *
 * @category getters
 * @since 0.1.0
 */
export const keyId = (merchantId: string, requestId: string): string => `${merchantId}\u0000${requestId}`

/**
 * Every idempotency key in use: each token's own key (under its owner),
 * then every bound key.
 *
 * @category getters
 * @since 0.1.0
 */
export const requestKeys = (m: Model): Array<BoundKey> => [
  ...m.tokens.flatMap((t) =>
    t.requestId === undefined ? [] : [{ merchantId: t.owner, requestId: t.requestId, token: t.token, payload: t.payload! }]
  ),
  ...m.boundKeys.values()
]

/**
 * The token and payload a merchant's key was answered with: a bound key
 * first, then a token the merchant created with it.
 *
 * @category getters
 * @since 0.1.0
 */
export const requestKey = (
  m: Model,
  merchantId: string,
  requestId: string
): { readonly token: TokenState; readonly payload: string | undefined } | undefined => {
  const bound = m.boundKeys.get(keyId(merchantId, requestId))
  if (bound !== undefined) return { token: find(m, bound.token)!, payload: bound.payload }
  const own = m.tokens.find((t) => t.owner === merchantId && t.requestId === requestId)
  return own === undefined ? undefined : { token: own, payload: own.payload }
}

const BULLET = "•"

/**
 * The masked display of an instrument: BIN 6 (fewer on short cards, so at
 * least 4 digits stay hidden) and last 4 of a card, last 4 of an IBAN, the
 * rest bullets.
 *
 * @category getters
 * @since 0.1.0
 */
export const masked = (i: Instrument): string => {
  if (i.kind === "BANK_ACCOUNT") return BULLET.repeat(i.iban.length - 4) + i.iban.slice(-4)
  const pan = i.card.pan
  const lead = Math.min(6, pan.length - 10) // MASK-PCI: at least 6 digits stay hidden
  return pan.slice(0, lead) + BULLET.repeat(pan.length - lead - 4) + pan.slice(-4)
}

/**
 * The view the gateway must show of a token.
 *
 * @category getters
 * @since 0.1.0
 */
export const view = (t: TokenState): GatewayDriver.TokenView => {
  const deleted = t.status === "DELETED"
  const card = t.instrument.kind === "CARD" && !deleted ? t.instrument : undefined
  return {
    token: t.token,
    merchantId: t.owner,
    customerId: t.customerId ?? null,
    maskedPan: deleted ? "" : masked(t.instrument),
    brand: card?.card.brand ?? null,
    expiryMonth: card?.expiry.month ?? null,
    expiryYear: card?.expiry.year ?? null,
    status: t.status,
    retainUntil: retainUntil(t),
    format: t.format
  }
}

/**
 * The rejection a merchant gets for a token it cannot use or that does not
 * exist: the same in both cases.
 *
 * @category getters
 * @since 0.1.0
 */
export const notFound: Expected = rejection("TOKEN_NOT_FOUND")

/**
 * Resolves a merchant and a token the way every token operation does:
 * `MERCHANT_UNKNOWN`, then `TOKEN_NOT_FOUND` for a token that is absent or
 * outside the merchant's scopes.
 *
 * @category getters
 * @since 0.1.0
 */
export const access = (
  m: Model,
  merchantId: string,
  token: string
): { readonly _tag: "Fail"; readonly error: Expected } | { readonly _tag: "Ok"; readonly token: TokenState } => {
  if (!m.merchants.has(merchantId)) return { _tag: "Fail", error: rejection("MERCHANT_UNKNOWN") }
  const t = find(m, token)
  return t === undefined || !canAccess(m, merchantId, t) ? { _tag: "Fail", error: notFound } : { _tag: "Ok", token: t }
}

/**
 * Why a token cannot be used for a payment now, in the documented order:
 * deleted, past retention, suspended, card expired.
 *
 * @category getters
 * @since 0.1.0
 */
export const unusable = (m: Model, t: TokenState): Expected | undefined => {
  const date = todayOf(m)
  if (t.status === "DELETED") return rejection(t.deletion === "RETENTION" ? "RETENTION_EXPIRED" : "TOKEN_DELETED")
  if (!isRetained(t, date)) return rejection("RETENTION_EXPIRED")
  if (t.status !== "ACTIVE") return rejection("TOKEN_SUSPENDED")
  if (t.instrument.kind === "CARD" && isExpired(t.instrument.expiry, date)) return rejection("TOKEN_EXPIRED")
  return undefined
}

/**
 * The rule a refusal to use a token follows.
 *
 * @category getters
 * @since 0.1.0
 */
export const ruleOfRefusal = (code: string): string => {
  switch (code) {
    case "TOKEN_DELETED":
      return "DELETE-IRREVERSIBLE"
    case "RETENTION_EXPIRED":
      return "RETENTION-PURGE"
    case "TOKEN_EXPIRED":
      return "USE-CARD-NOT-EXPIRED"
    case "TOKEN_NOT_FOUND":
      return "GROUP-ACCESS"
    case "COF_NO_AGREEMENT":
      return "COF-MIT-AGREEMENT"
    case "COF_INVALID":
      return "COF-COMBINATION"
    default:
      return "USE-ACTIVE"
  }
}

/**
 * The violations of a requested custom value, as Axerve's codes: 1160
 * length (10–20), 1161 more than 8 digits, 1162 characters outside
 * letters, digits and `_`.
 *
 * @category getters
 * @since 0.1.0
 */
export const customViolations = (value: string): Array<string> => [
  ...(value.length < 10 || value.length > 20 ? ["1160"] : []),
  ...((value.match(/[0-9]/g)?.length ?? 0) > 8 ? ["1161"] : []),
  ...(/^[A-Za-z0-9_]*$/.test(value) ? [] : ["1162"])
]

/**
 * The rule of each custom-token code.
 *
 * @category models
 * @since 0.1.0
 */
export const customRule: Readonly<Record<string, string>> = {
  "1160": "CUSTOM-TOKEN-LENGTH",
  "1161": "CUSTOM-TOKEN-DIGITS",
  "1162": "CUSTOM-TOKEN-CHARSET"
}

/**
 * A parsed `requestToken`.
 *
 * @category models
 * @since 0.1.0
 */
export type RequestToken =
  | { readonly _tag: "Standard"; readonly forced: boolean }
  | { readonly _tag: "Custom"; readonly forced: boolean; readonly value: string }
  | { readonly _tag: "Invalid"; readonly error: Expected; readonly rules: ReadonlyArray<string> }

/**
 * Parses a `requestToken`: `:FORCED:` then `MASKEDPAN` or a custom value
 * (uppercased; case does not matter).
 *
 * @category decoding
 * @since 0.1.0
 */
export const parseRequestToken = (input: string): RequestToken => {
  const forced = input.startsWith(":FORCED:")
  const body = forced ? input.slice(8) : input
  if (body === "") return { _tag: "Invalid", error: rejection("REQUEST_TOKEN_INVALID"), rules: ["REQUEST-TOKEN-SYNTAX"] }
  if (body === "MASKEDPAN") return { _tag: "Standard", forced }
  const violations = customViolations(body)
  if (violations.length > 0) {
    return {
      _tag: "Invalid",
      error: { code: "CUSTOM_TOKEN_INVALID", gatewayCodes: violations },
      rules: violations.map((v) => customRule[v]!)
    }
  }
  return { _tag: "Custom", forced, value: body.toUpperCase() }
}

/**
 * The identity of a tokenization request for idempotency: instrument,
 * customer, expiry, normalized requestToken and resulting format.
 *
 * @category encoding
 * @since 0.1.0
 */
export const payloadOf = (
  instrument: Instrument,
  customerId: string | undefined,
  rt: RequestToken | undefined,
  format: GatewayDriver.FormatName
): string =>
  JSON.stringify([
    instrumentKey(instrument),
    customerId ?? null,
    instrument.kind === "CARD" ? [instrument.expiry.month, instrument.expiry.year] : null,
    rt === undefined || rt._tag === "Invalid"
      ? null
      : (rt.forced ? ":FORCED:" : "") + (rt._tag === "Standard" ? "MASKEDPAN" : rt.value),
    format
  ])

/**
 * A tokenization request as sent, with the instrument the model knows it
 * carries.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenizeCall {
  readonly request: GatewayDriver.TokenizeRequest
  readonly instrument: Instrument
}

/**
 * What a tokenization must do.
 *
 * @category models
 * @since 0.1.0
 */
export type Plan =
  | {
    readonly _tag: "Fail"
    readonly errors: ReadonlyArray<Expected>
    readonly rules: ReadonlyArray<string>
    /** Tokens past retention purged on the way before the refusal: an ACTIVE duplicate, the card's own custom token. */
    readonly purged?: ReadonlyArray<TokenState> | undefined
  }
  | {
    readonly _tag: "Existing"
    readonly token: TokenState
    readonly rules: ReadonlyArray<string>
    /** A new idempotency key the answer binds to the token. */
    readonly bind?: BoundKey | undefined
  }
  | {
    readonly _tag: "New"
    readonly format: GatewayDriver.FormatName
    readonly customValue: string | undefined
    /** An ACTIVE duplicate past retention, purged on the way (as the sweep would). */
    readonly purged: TokenState | undefined
    readonly build: (value: string) => TokenState
  }

const laterExpiry = (a: Expiry, b: Expiry): boolean => a.year > b.year || (a.year === b.year && a.month > b.month)

/**
 * Plans a tokenization: input refusals (any of the broken rules may be
 * reported), then the idempotency key (a bound one, then one that created
 * a token), then the duplicate card (an ACTIVE token for the same card,
 * customer and scope within retention; a new idempotency key is bound to it
 * for the asking merchant, whoever owns the token; one past retention is
 * purged instead), then the custom value's owner, and only then a new
 * token.
 *
 * @category getters
 * @since 0.1.0
 */
export const planTokenize = (m: Model, call: TokenizeCall, formatOverride?: GatewayDriver.FormatName): Plan => {
  const r = call.request
  const errors: Array<Expected> = []
  const rules: Array<string> = []
  const fail = (code: string, rule: string) => {
    errors.push(rejection(code))
    rules.push(rule)
  }
  const rt = r.requestToken === undefined ? undefined : parseRequestToken(r.requestToken)
  if (rt?._tag === "Invalid") {
    errors.push(rt.error)
    rules.push(...rt.rules)
  }
  const merchant = m.merchants.get(r.merchantId)
  if (merchant === undefined) {
    fail("MERCHANT_UNKNOWN", "TOKENIZATION-ENABLED")
    return { _tag: "Fail", errors, rules }
  }
  if (!merchant.tokenization) fail("TOKENIZATION_DISABLED", "TOKENIZATION-ENABLED")
  const format: GatewayDriver.FormatName = rt !== undefined && rt._tag !== "Invalid"
    ? (rt._tag === "Standard" ? "standard" : "custom")
    : formatOverride ?? r.format ?? merchant.format
  if (format === "custom" && rt === undefined) fail("REQUEST_TOKEN_INVALID", "REQUEST-TOKEN-SYNTAX")
  const date = todayOf(m)
  const i = call.instrument
  if (i.kind === "CARD") {
    if (!i.card.luhnValid && merchant.luhn === "enforce") fail("PAN_LUHN_FAILED", "PAN-LUHN")
    if (isExpired(i.expiry, date)) fail("CARD_EXPIRED", "EXPIRY-END-OF-MONTH")
  } else if (format === "standard") {
    fail("INVALID_INPUT", "FORMAT-STANDARD")
  }
  if (errors.length > 0 || rt?._tag === "Invalid") return { _tag: "Fail", errors, rules }
  const payload = payloadOf(i, r.customerId, rt, format)
  if (r.merchantRequestId !== undefined) {
    const earlier = requestKey(m, merchant.merchantId, r.merchantRequestId)
    if (earlier !== undefined) {
      return earlier.payload === payload
        ? { _tag: "Existing", token: earlier.token, rules: ["IDEMPOTENCY"] }
        : { _tag: "Fail", errors: [rejection("IDEMPOTENCY_CONFLICT")], rules: ["IDEMPOTENCY"] }
    }
  }
  // A new idempotency key answered with an existing token is bound to it for the asking merchant.
  const bindTo = (existing: TokenState): BoundKey | undefined =>
    r.merchantRequestId === undefined
      ? undefined
      : { merchantId: merchant.merchantId, requestId: r.merchantRequestId, token: existing.token, payload }
  const scope = scopeForNew(merchant)
  const duplicate = activeIn(m, scope, r.customerId, instrumentKey(i))
  const expired = duplicate !== undefined && !isRetained(duplicate, date)
  if (duplicate !== undefined && !expired) {
    const later = i.kind === "CARD" && duplicate.instrument.kind === "CARD" && laterExpiry(i.expiry, duplicate.instrument.expiry)
    const refreshed: TokenState = later
      ? { ...duplicate, instrument: { ...duplicate.instrument, expiry: (i as { readonly expiry: Expiry }).expiry } as Instrument }
      : duplicate
    return { _tag: "Existing", token: refreshed, rules: ["DUPLICATE-CARD"], bind: bindTo(duplicate) }
  }
  const purgedOf = (t: TokenState): TokenState => ({ ...t, status: "DELETED", deletion: "RETENTION", agreements: {} })
  const purged: TokenState | undefined = expired ? purgedOf(duplicate!) : undefined
  if (rt?._tag === "Custom") {
    // A twin purged on the way is deleted for this check, as it is once the request runs.
    const taken = purged?.token === merchant.prefix + rt.value ? purged : find(m, merchant.prefix + rt.value)
    if (taken !== undefined) {
      const sameCard = instrumentKey(taken.instrument) === instrumentKey(i) && taken.status !== "DELETED" &&
        canAccess(m, merchant.merchantId, taken)
      if (sameCard && isRetained(taken, date)) {
        return { _tag: "Existing", token: taken, rules: ["CUSTOM-TOKEN-UNIQUE"], bind: bindTo(taken) }
      }
      // The card's own custom token past retention is purged on the way, as the sweep would; its value is refused.
      const expiredValue = sameCard ? purgedOf(taken) : undefined
      return {
        _tag: "Fail",
        errors: [rejection("CUSTOM_TOKEN_TAKEN")],
        rules: taken.status === "DELETED" || expiredValue !== undefined
          ? ["CUSTOM-TOKEN-UNIQUE", "DELETE-IRREVERSIBLE"]
          : ["CUSTOM-TOKEN-UNIQUE"],
        purged: [purged, expiredValue].filter((t): t is TokenState => t !== undefined)
      }
    }
  }
  return {
    _tag: "New",
    format,
    customValue: rt?._tag === "Custom" ? rt.value : undefined,
    purged,
    build: (value) => ({
      token: value,
      format,
      owner: merchant.merchantId,
      scope,
      customerId: r.customerId,
      instrument: i,
      status: "ACTIVE",
      deletion: undefined,
      lastActivity: date,
      extended: false,
      agreements: {},
      requestId: r.merchantRequestId,
      payload: r.merchantRequestId === undefined ? undefined : payload
    })
  }
}

/**
 * Plans a tokenization during a payment: the requestToken's syntax and
 * the flags are checked first; a declined payment makes no token unless
 * `:FORCED:`; `createRegistration` asks for a registration token.
 *
 * @category getters
 * @since 0.1.0
 */
export const planPayment = (
  m: Model,
  call: TokenizeCall,
  createRegistration: boolean,
  outcome: GatewayDriver.PaymentRequest["outcome"]
): Plan | { readonly _tag: "NoToken" } => {
  const rt = call.request.requestToken === undefined ? undefined : parseRequestToken(call.request.requestToken)
  const both = rt !== undefined && createRegistration
  if (rt?._tag === "Invalid" || both) {
    return {
      _tag: "Fail",
      errors: [...(rt?._tag === "Invalid" ? [rt.error] : []), ...(both ? [rejection("INVALID_INPUT")] : [])],
      rules: [...(rt?._tag === "Invalid" ? rt.rules : []), ...(both ? ["TOKENIZE-ON-PAYMENT"] : [])]
    }
  }
  const succeeded = outcome !== "DECLINED"
  if (rt !== undefined) return succeeded || rt.forced ? planTokenize(m, call) : { _tag: "NoToken" }
  return createRegistration && succeeded ? planTokenize(m, call, "registration") : { _tag: "NoToken" }
}
