/**
 * A new expiry for a card token (a reissued card): refused for deleted
 * tokens (`TOKEN_DELETED`, or `RETENTION_EXPIRED` once purged), tokens past
 * retention, bank accounts (`INVALID_INPUT`) and expired dates
 * (`CARD_EXPIRED`); otherwise the retention date follows the new expiry.
 *
 * @since 0.1.0
 */
import { Mismatch } from "../../internal/assert.ts"
import { expiryAt, mmyy } from "../../internal/dates.ts"
import { checkRejection, rejection } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { callOnPick, canPick, goneRefusal, showPick } from "../Requests.ts"
import { sameView } from "../Views.ts"

/**
 * The update-expiry command; the new expiry is `offset` months from the
 * current month.
 *
 * @category models
 * @since 0.1.0
 */
export class UpdateExpiryCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly pick: number, readonly offset: number) {}
  check(model: Model.Model): boolean {
    return canPick(model, this.pick)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const expiry = expiryAt(Model.todayOf(model), this.offset)
    const { access: a, settled: s, what } = await callOnPick(
      model,
      this.merchantId,
      this.pick,
      (merchantId, token) => `updateExpiry(${merchantId}, ${token}, ${mmyy(expiry)})`,
      (merchantId, token) => real.driver.updateExpiry({ merchantId, token, expiry: mmyy(expiry) })
    )
    if (a._tag === "Fail") return checkRejection(what, s, [a.error], ["GROUP-ACCESS"])
    const t = a.token
    const gone = goneRefusal(model, t)
    if (gone !== undefined) return checkRejection(what, s, [gone.expected], [gone.rule])
    if (t.instrument.kind !== "CARD") return checkRejection(what, s, [rejection("INVALID_INPUT")], ["RETENTION-NON-CARD"])
    if (Model.isExpired(expiry, Model.todayOf(model))) {
      return checkRejection(what, s, [rejection("CARD_EXPIRED")], ["EXPIRY-END-OF-MONTH"])
    }
    const next: Model.TokenState = { ...t, instrument: { ...t.instrument, expiry } }
    if (!s.ok) throw new Mismatch(`${what}: expected the new expiry, got a refusal`, ["RETENTION-CARD"])
    sameView(s.value, next, what, ["RETENTION-CARD"])
    Model.put(model, next)
  }
  toString(): string {
    return `updateExpiry(${this.merchantId}, ${showPick(this.pick)}, ${this.offset} months from now)`
  }
}
