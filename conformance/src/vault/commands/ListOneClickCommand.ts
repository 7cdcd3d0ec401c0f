/**
 * One-click checkout: the customer's tokens the merchant may use now
 * (ACTIVE, within retention, card not expired), with brand, last 4 and
 * expiry; never another scope's.
 *
 * @since 0.1.0
 */
import { Mismatch } from "../../internal/assert.ts"
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"

const whyNot = (model: Model.Model, merchantId: string, t: Model.TokenState | undefined): string => {
  if (t === undefined || !Model.canAccess(model, merchantId, t)) return "GROUP-ACCESS"
  const refusal = Model.unusable(model, t)
  return refusal === undefined ? "USE-ACTIVE" : Model.ruleOfRefusal(refusal.code)
}

/**
 * The one-click list command.
 *
 * @category models
 * @since 0.1.0
 */
export class ListOneClickCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly customerId: string) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = this.toString()
    const s = await settle(() => real.driver.listOneClick({ merchantId: this.merchantId, customerId: this.customerId }))
    if (!model.merchants.has(this.merchantId)) return checkRejection(what, s, [rejection("MERCHANT_UNKNOWN")], ["GROUP-ACCESS"])
    if (!s.ok) return checkRejection(what, s, [], ["USE-ACTIVE"])
    const expected = model.tokens.filter((t) =>
      t.customerId === this.customerId && Model.canAccess(model, this.merchantId, t) && Model.unusable(model, t) === undefined
    )
    const want = new Map(expected.map((t) => [t.token, t]))
    const seen = new Set<string>()
    for (const e of s.value) {
      const t = want.get(e?.token)
      if (t === undefined) throw new Mismatch(`${what}: offers ${e?.token}, which it should not`, [whyNot(model, this.merchantId, Model.find(model, e?.token))])
      if (seen.has(t.token)) throw new Mismatch(`${what}: offers ${t.token} twice`, ["USE-ACTIVE"])
      seen.add(t.token)
      const card = t.instrument.kind === "CARD" ? t.instrument : undefined
      const expectedEntry = {
        token: t.token,
        brand: card?.card.brand ?? null,
        last4: card !== undefined ? card.card.pan.slice(-4) : (t.instrument as { readonly iban: string }).iban.slice(-4),
        expiryMonth: card?.expiry.month ?? null,
        expiryYear: card?.expiry.year ?? null
      }
      const actualEntry = { token: e.token, brand: e.brand ?? null, last4: e.last4, expiryMonth: e.expiryMonth ?? null, expiryYear: e.expiryYear ?? null }
      if (JSON.stringify(actualEntry) !== JSON.stringify(expectedEntry)) {
        throw new Mismatch(`${what}: entry ${JSON.stringify(actualEntry)} should be ${JSON.stringify(expectedEntry)}`, ["MASK-BIN6-LAST4"])
      }
    }
    for (const t of expected) if (!seen.has(t.token)) throw new Mismatch(`${what}: misses ${t.token}`, ["USE-ACTIVE", "GROUP-ACCESS"])
  }
  toString(): string {
    return `listOneClick(${this.merchantId}, ${this.customerId})`
  }
}
