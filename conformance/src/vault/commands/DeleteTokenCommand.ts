/**
 * Deletion: the card data goes at once, the view shows an empty mask, the
 * value stays reserved; deleting again is `TOKEN_ALREADY_DELETED`
 * (100.350.303).
 *
 * @since 0.1.0
 */
import { checkRejection } from "../../internal/driverCall.ts"
import { Mismatch } from "../../internal/assert.ts"
import * as Model from "../Model.ts"
import { callOnPick, canPick, showPick } from "../Requests.ts"
import { sameView } from "../Views.ts"
import { planStatus } from "./UpdateStatusCommand.ts"

/**
 * The delete command.
 *
 * @category models
 * @since 0.1.0
 */
export class DeleteTokenCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly pick: number) {}
  check(model: Model.Model): boolean {
    return canPick(model, this.pick)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const { access: a, settled: s, what } = await callOnPick(
      model,
      this.merchantId,
      this.pick,
      (merchantId, token) => `deleteToken(${merchantId}, ${token})`,
      (merchantId, token) => real.driver.deleteToken({ merchantId, token })
    )
    if (a._tag === "Fail") return checkRejection(what, s, [a.error], ["GROUP-ACCESS"])
    const plan = planStatus(model, a.token, "DELETED")
    if ("refusal" in plan) return checkRejection(what, s, [plan.refusal], [plan.rule])
    if (!s.ok) throw new Mismatch(`${what}: expected the deletion, got a refusal`, ["DELETE-IRREVERSIBLE"])
    sameView(s.value, plan.next, what, ["DELETE-IRREVERSIBLE"])
    Model.put(model, plan.next)
  }
  toString(): string {
    return `deleteToken(${this.merchantId}, ${showPick(this.pick)})`
  }
}
