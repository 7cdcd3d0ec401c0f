/**
 * Retention extension: no parameters, idempotent, 24 months instead of 14;
 * refused for deleted tokens and for tokens already past retention.
 *
 * @since 0.1.0
 */
import { Mismatch } from "../../internal/assert.ts"
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { resolveActor, resolvePick, showPick } from "../Requests.ts"
import { sameView } from "../Views.ts"

/**
 * The extend command.
 *
 * @category models
 * @since 0.1.0
 */
export class ExtendRetentionCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly pick: number) {}
  check(model: Model.Model): boolean {
    return this.pick < 0 || model.tokens.length > 0
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const token = resolvePick(model, this.pick)
    const merchantId = resolveActor(model, this.merchantId, token)
    const what = `extendRetention(${merchantId}, ${token})`
    const a = Model.access(model, merchantId, token)
    const s = await settle(() => real.driver.extendRetention({ merchantId, token }))
    if (a._tag === "Fail") return checkRejection(what, s, [a.error], ["GROUP-ACCESS"])
    const t = a.token
    if (t.status === "DELETED") {
      return t.deletion === "RETENTION"
        ? checkRejection(what, s, [rejection("RETENTION_EXPIRED")], ["RETENTION-PURGE"])
        : checkRejection(what, s, [rejection("TOKEN_DELETED")], ["DELETE-IRREVERSIBLE"])
    }
    if (!Model.isRetained(t, Model.todayOf(model))) {
      return checkRejection(what, s, [rejection("RETENTION_EXPIRED")], ["RETENTION-PURGE"])
    }
    if (!s.ok) throw new Mismatch(`${what}: expected the extension, got a refusal`, ["RETENTION-EXTEND"])
    const next = { ...t, extended: true }
    sameView(s.value, next, what, ["RETENTION-EXTEND"])
    Model.put(model, next)
  }
  toString(): string {
    return `extendRetention(${this.merchantId}, ${showPick(this.pick)})`
  }
}
