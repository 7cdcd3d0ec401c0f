/**
 * Comparing what a gateway shows with the model, field by field, so a
 * difference is blamed on the rule that field belongs to: the status on
 * STATUS-TRANSITIONS, the purge date on the retention rule the token
 * follows, the mask on MASK-BIN6-LAST4, a new token's value on its format's
 * rule.
 *
 * @since 0.1.0
 */
import type * as GatewayDriver from "../GatewayDriver.ts"
import { Mismatch } from "../internal/assert.ts"
import * as Model from "./Model.ts"

const json = (u: unknown): string => JSON.stringify(u) ?? "undefined"

/**
 * Requires a view to show the model's token.
 *
 * @category predicates
 * @since 0.1.0
 */
export const sameView = (
  actual: GatewayDriver.TokenView | null | undefined,
  t: Model.TokenState,
  what: string,
  rules: ReadonlyArray<string>
): void => {
  if (typeof actual !== "object" || actual === null) throw new Mismatch(`${what}: expected a token view, got ${json(actual)}`, rules)
  const expected = Model.view(t)
  const deleted = t.status === "DELETED"
  const blame: Record<keyof GatewayDriver.TokenView, ReadonlyArray<string>> = {
    token: rules,
    merchantId: rules,
    customerId: rules,
    format: rules,
    status: ["STATUS-TRANSITIONS"],
    retainUntil: [Model.retentionRule(t)],
    maskedPan: deleted ? ["DELETE-IRREVERSIBLE"] : ["MASK-BIN6-LAST4"],
    brand: deleted ? ["DELETE-IRREVERSIBLE"] : ["PAN-BRAND"],
    expiryMonth: deleted ? ["DELETE-IRREVERSIBLE"] : rules,
    expiryYear: deleted ? ["DELETE-IRREVERSIBLE"] : rules
  }
  for (const key of Object.keys(blame) as Array<keyof GatewayDriver.TokenView>) {
    const a = actual[key] ?? null
    const e = expected[key] ?? null
    if (a !== e) throw new Mismatch(`${what}: ${key} of ${t.token} should be ${json(e)}, got ${json(a)}`, blame[key])
  }
}

/**
 * Requires a list of views to show exactly the model's tokens, in any
 * order. A token the merchant may not see is blamed on GROUP-ACCESS.
 *
 * @category predicates
 * @since 0.1.0
 */
export const sameViews = (
  actual: ReadonlyArray<GatewayDriver.TokenView>,
  expected: ReadonlyArray<Model.TokenState>,
  what: string,
  rules: ReadonlyArray<string>,
  visibleTo?: { readonly model: Model.Model; readonly merchantId: string }
): void => {
  if (!Array.isArray(actual)) throw new Mismatch(`${what}: expected a list, got ${json(actual)}`, rules)
  const want = new Map(expected.map((t) => [t.token, t]))
  const seen = new Set<string>()
  for (const v of actual) {
    const t = want.get(v?.token)
    if (t === undefined) {
      const known = Model.find(visibleTo?.model ?? { tokens: [] } as unknown as Model.Model, v?.token)
      const hidden = visibleTo !== undefined && known !== undefined && !Model.canAccess(visibleTo.model, visibleTo.merchantId, known)
      throw new Mismatch(`${what}: lists ${v?.token}, which it should not`, hidden ? ["GROUP-ACCESS"] : rules)
    }
    if (seen.has(t.token)) throw new Mismatch(`${what}: lists ${t.token} twice`, rules)
    seen.add(t.token)
    sameView(v, t, `${what}: ${t.token}`, rules)
  }
  for (const t of expected) if (!seen.has(t.token)) throw new Mismatch(`${what}: misses ${t.token}`, rules)
}

const luhnValid = (digits: string): boolean => {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/**
 * Requires a newly issued token value to be new (never issued before, not
 * even a deleted one), to match its format, and never to look like a card
 * number.
 *
 * @category predicates
 * @since 0.1.0
 */
export const checkNewValue = (model: Model.Model, t: Model.TokenState, customValue: string | undefined): void => {
  const value = t.token
  const merchant = model.merchants.get(t.owner)!
  if (typeof value !== "string") throw new Mismatch(`a new token is not a string: ${json(value)}`)
  if (model.issued.has(value)) {
    const before = Model.find(model, value)
    throw new Mismatch(
      `${value} was issued again${before?.status === "DELETED" ? " after its deletion" : ""}`,
      ["DELETE-IRREVERSIBLE", "TOKEN-RANDOM"]
    )
  }
  if (/^\d{12,19}$/.test(value) && luhnValid(value)) throw new Mismatch(`${value} looks like a card number`, ["TOKEN-NOT-PAN"])
  const card = t.instrument.kind === "CARD" ? t.instrument.card.pan : undefined
  switch (t.format) {
    case "registration":
      if (!/^[0-9a-f]{32}$/.test(value)) throw new Mismatch(`${value} is not 32 lowercase hex characters`, ["FORMAT-REGISTRATION"])
      return
    case "opaque":
      if (!/^[A-Za-z0-9_-]{22,24}$/.test(value)) throw new Mismatch(`${value} is not 22–24 base64url characters`, ["FORMAT-OPAQUE"])
      return
    case "standard": {
      const ok = card !== undefined && value.length === 16 && value.startsWith(card.slice(0, 2) + merchant.prefix) &&
        value.endsWith(card.slice(-4)) && /^[0-9A-Z]{6}$/.test(value.slice(6, 12))
      if (!ok) {
        throw new Mismatch(
          `${value} is not first 2 PAN digits + prefix ${merchant.prefix} + 6 of [0-9A-Z] + last 4 PAN digits`,
          ["FORMAT-STANDARD"]
        )
      }
      return
    }
    case "custom":
      if (value !== merchant.prefix + customValue) {
        throw new Mismatch(`${value} should be the prefix ${merchant.prefix} and the uppercased value ${customValue}`, [
          "FORMAT-CUSTOM",
          "CUSTOM-TOKEN-CASE"
        ])
      }
      return
  }
}

/**
 * A well-formed token value of the same format as `token` that was never
 * issued: what a merchant gets for it must be indistinguishable from what
 * it gets for a token outside its scope.
 *
 * @category constructors
 * @since 0.1.0
 */
export const phantom = (model: Model.Model, t: Model.TokenState | undefined): string => {
  const candidates = t === undefined
    ? ["0123456789abcdef0123456789abcdef"]
    : t.format === "registration"
    ? ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"]
    : t.format === "standard"
    ? [t.token.slice(0, 6) + "ZZZZZZ" + t.token.slice(-4), t.token.slice(0, 6) + "YYYYYY" + t.token.slice(-4)]
    : t.format === "custom"
    ? [t.token.slice(0, 4) + "NEVER_ISSUED_A", t.token.slice(0, 4) + "NEVER_ISSUED_B"]
    : ["AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBB"]
  return candidates.find((c) => !model.issued.has(c)) ?? candidates[0]!
}
