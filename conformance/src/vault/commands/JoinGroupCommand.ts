/**
 * A merchant joins a group, bringing its tokens (they move from its own
 * scope to the group's) or not (they stay private). Refused for an unknown
 * merchant or group, for a merchant already in a group, and when a moved
 * ACTIVE token would meet another for the same card and customer.
 *
 * @since 0.1.0
 */
import { equal, Mismatch } from "../../internal/assert.ts"
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"
import { rescope } from "./LeaveGroupCommand.ts"

/**
 * The join command.
 *
 * @category models
 * @since 0.1.0
 */
export class JoinGroupCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly groupId: string, readonly withTokens: boolean) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const what = this.toString()
    const s = await settle(() =>
      real.driver.joinGroup({ groupId: this.groupId, merchantId: this.merchantId, withTokens: this.withTokens })
    )
    const m = model.merchants.get(this.merchantId)
    const refusals = [
      ...(m === undefined ? [rejection("MERCHANT_UNKNOWN")] : []),
      ...(model.groups.has(this.groupId) ? [] : [rejection("GROUP_UNKNOWN")]),
      ...(m?.groupId !== undefined ? [rejection("GROUP_MEMBERSHIP")] : [])
    ]
    if (refusals.length > 0) return checkRejection(what, s, refusals, ["GROUP-MEMBERSHIP"])
    const moves = this.withTokens ? rescope(model, this.merchantId, `merchant:${this.merchantId}`, `group:${this.groupId}`) : []
    if (moves === "collision") return checkRejection(what, s, [rejection("GROUP_MEMBERSHIP")], ["DUPLICATE-CARD"])
    if (!s.ok) throw new Mismatch(`${what}: expected the merchant to join, got a refusal`, ["GROUP-MEMBERSHIP"])
    equal(s.value.moved, moves.length, `${what}: tokens moved`, ["GROUP-MEMBERSHIP"])
    for (const t of moves) Model.put(model, t)
    model.merchants.set(this.merchantId, { ...m!, groupId: this.groupId })
  }
  toString(): string {
    return `joinGroup(${this.merchantId} → ${this.groupId}, ${this.withTokens ? "bringing its tokens" : "tokens stay private"})`
  }
}
