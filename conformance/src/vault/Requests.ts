/**
 * Turning generated request specs into the requests a command sends, at
 * the model's current date and with the run's cards, and into short text
 * for traces (cards by brand and last 4 only).
 *
 * @since 0.1.0
 */
import { expiryAt, mmyy } from "../internal/dates.ts"
import type { TokenizeSpec } from "./Arbitraries.ts"
import * as Model from "./Model.ts"
import { type Expected, rejection, settle, type Settled } from "../internal/driverCall.ts"

/**
 * The request a spec makes now.
 *
 * @category constructors
 * @since 0.1.0
 */
export const materialize = (model: Model.Model, spec: TokenizeSpec): Model.TokenizeCall => {
  const i = spec.instrument
  const instrument: Model.Instrument = i.kind === "card"
    ? { kind: "CARD", card: model.cards[i.index % model.cards.length]!, expiry: expiryAt(Model.todayOf(model), i.offset) }
    : { kind: "BANK_ACCOUNT", iban: model.ibans[i.index % model.ibans.length]! }
  return {
    instrument,
    request: {
      merchantId: spec.merchantId,
      ...(spec.customerId === undefined ? {} : { customerId: spec.customerId }),
      ...(instrument.kind === "CARD"
        ? { pan: instrument.card.pan, expiry: mmyy(instrument.expiry) }
        : { iban: instrument.iban }),
      ...(spec.requestToken === undefined ? {} : { requestToken: spec.requestToken }),
      ...(spec.format === undefined ? {} : { format: spec.format }),
      ...(spec.requestId === undefined ? {} : { merchantRequestId: spec.requestId })
    }
  }
}

/**
 * Short text for a spec.
 *
 * @category encoding
 * @since 0.1.0
 */
export const showSpec = (spec: TokenizeSpec): string =>
  [
    spec.merchantId,
    spec.customerId === undefined ? "no customer" : spec.customerId,
    spec.instrument.kind === "card"
      ? `card#${spec.instrument.index} expiring in ${spec.instrument.offset} months`
      : `iban#${spec.instrument.index}`,
    ...(spec.requestToken === undefined ? [] : [`requestToken=${JSON.stringify(spec.requestToken)}`]),
    ...(spec.format === undefined ? [] : [`format=${spec.format}`]),
    ...(spec.requestId === undefined ? [] : [`merchantRequestId=${spec.requestId}`])
  ].join(", ")

/**
 * Short text for a token pick.
 *
 * @category encoding
 * @since 0.1.0
 */
export const showPick = (pick: number): string => (pick < 0 ? "a never-issued token" : `token#${pick}`)

/**
 * The token value a pick names now: an issued token, or a well-formed
 * value never issued.
 *
 * @category getters
 * @since 0.1.0
 */
export const resolvePick = (model: Model.Model, pick: number): string =>
  pick < 0 || model.tokens.length === 0 ? "0123456789abcdef0123456789abcdef" : model.tokens[pick % model.tokens.length]!.token

/**
 * The merchant an actor names for a token: `"holder"` is a merchant that
 * may use the token now (its owner when it still can), else the owner;
 * anything else is a merchant id.
 *
 * @category getters
 * @since 0.1.0
 */
export const resolveActor = (model: Model.Model, actor: string, token: string): string => {
  if (actor !== "holder") return actor
  const t = Model.find(model, token)
  if (t === undefined) return "m1"
  if (Model.canAccess(model, t.owner, t)) return t.owner
  return Array.from(model.merchants.keys()).sort().find((m) => Model.canAccess(model, m, t)) ?? t.owner
}

/**
 * Whether a command on a token pick can run: a never-issued pick always can,
 * an issued one once a token exists.
 *
 * @category predicates
 * @since 0.1.0
 */
export const canPick = (model: Model.Model, pick: number): boolean => pick < 0 || model.tokens.length > 0

/**
 * One driver call on a picked token, as every token command makes it: the
 * token and acting merchant resolved, the call's label, what the model's
 * access check says, and the driver's settled answer.
 *
 * @category models
 * @since 0.1.0
 */
export interface PickedCall<A> {
  readonly token: string
  readonly merchantId: string
  readonly what: string
  readonly access: ReturnType<typeof Model.access>
  readonly settled: Settled<A>
}

/**
 * Resolves a pick and an actor, checks access in the model and calls the
 * driver (never throws: the answer is settled).
 *
 * @category constructors
 * @since 0.1.0
 */
export const callOnPick = async <A>(
  model: Model.Model,
  actor: string,
  pick: number,
  label: (merchantId: string, token: string) => string,
  call: (merchantId: string, token: string) => Promise<A>
): Promise<PickedCall<A>> => {
  const token = resolvePick(model, pick)
  const merchantId = resolveActor(model, actor, token)
  const access = Model.access(model, merchantId, token)
  const settled = await settle(() => call(merchantId, token))
  return { token, merchantId, what: label(merchantId, token), access, settled }
}

/**
 * Why a change to a token is refused because the token is gone: deleted
 * (`TOKEN_DELETED`), purged or past retention (`RETENTION_EXPIRED`); else
 * `undefined`.
 *
 * @category getters
 * @since 0.1.0
 */
export const goneRefusal = (
  model: Model.Model,
  t: Model.TokenState
): { readonly expected: Expected; readonly rule: string } | undefined => {
  if (t.status === "DELETED" && t.deletion !== "RETENTION") return { expected: rejection("TOKEN_DELETED"), rule: "DELETE-IRREVERSIBLE" }
  if (t.status === "DELETED" || !Model.isRetained(t, Model.todayOf(model))) {
    return { expected: rejection("RETENTION_EXPIRED"), rule: "RETENTION-PURGE" }
  }
  return undefined
}
