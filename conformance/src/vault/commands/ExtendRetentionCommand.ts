/**
 * Retention extension: no parameters, idempotent, 24 months instead of 14;
 * refused for deleted tokens and for tokens already past retention.
 *
 * @since 0.1.0
 */
import { Mismatch } from "../../internal/assert.ts"
import { checkRejection } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { callOnPick, canPick, goneRefusal, showPick } from "../Requests.ts"
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
    return canPick(model, this.pick)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const { access: a, settled: s, what } = await callOnPick(
      model,
      this.merchantId,
      this.pick,
      (merchantId, token) => `extendRetention(${merchantId}, ${token})`,
      (merchantId, token) => real.driver.extendRetention({ merchantId, token })
    )
    if (a._tag === "Fail") return checkRejection(what, s, [a.error], ["GROUP-ACCESS"])
    const t = a.token
    const gone = goneRefusal(model, t)
    if (gone !== undefined) return checkRejection(what, s, [gone.expected], [gone.rule])
    if (!s.ok) throw new Mismatch(`${what}: expected the extension, got a refusal`, ["RETENTION-EXTEND"])
    const next = { ...t, extended: true }
    sameView(s.value, next, what, ["RETENTION-EXTEND"])
    Model.put(model, next)
  }
  toString(): string {
    return `extendRetention(${this.merchantId}, ${showPick(this.pick)})`
  }
}
