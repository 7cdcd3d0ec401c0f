/**
 * A merchant leaves its group, taking its tokens back to its own scope or
 * leaving them with the group (where it no longer sees them). Refused for
 * an unknown merchant or group and for a merchant not in that group.
 *
 * @since 0.1.0
 */
import { equal, Mismatch } from "../../internal/assert.ts"
import { checkRejection, rejection, settle } from "../../internal/driverCall.ts"
import * as Model from "../Model.ts"

/**
 * The tokens a re-scoping moves (each in its new scope), or `"collision"`
 * when a moved ACTIVE token would meet another for the same card and
 * customer in the target scope.
 *
 * @category getters
 * @since 0.1.0
 */
export const rescope = (model: Model.Model, owner: string, from: string, to: string): Array<Model.TokenState> | "collision" => {
  const moved = model.tokens.filter((t) => t.owner === owner && t.scope === from).map((t) => ({ ...t, scope: to }))
  const movedTokens = new Set(moved.map((t) => t.token))
  for (const t of moved) {
    if (t.status !== "ACTIVE") continue
    const rival = Model.activeIn(model, to, t.customerId, Model.instrumentKey(t.instrument), t.token)
    if (rival !== undefined && !movedTokens.has(rival.token)) return "collision"
  }
  return moved
}

/**
 * The leave command: leaves `groupId`, or the merchant's current group when
 * `groupId` is `"current"`.
 *
 * @category models
 * @since 0.1.0
 */
export class LeaveGroupCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly groupId: string, readonly takeTokens: boolean) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const m = model.merchants.get(this.merchantId)
    const groupId = this.groupId === "current" ? m?.groupId ?? "g1" : this.groupId
    const what = `leaveGroup(${this.merchantId} ← ${groupId}, ${this.takeTokens ? "taking its tokens" : "tokens stay with the group"})`
    const s = await settle(() => real.driver.leaveGroup({ groupId, merchantId: this.merchantId, takeTokens: this.takeTokens }))
    const refusals = [
      ...(m === undefined ? [rejection("MERCHANT_UNKNOWN")] : []),
      ...(model.groups.has(groupId) ? [] : [rejection("GROUP_UNKNOWN")]),
      ...(m !== undefined && m.groupId !== groupId ? [rejection("GROUP_MEMBERSHIP")] : [])
    ]
    if (refusals.length > 0) return checkRejection(what, s, refusals, ["GROUP-MEMBERSHIP"])
    const moves = this.takeTokens ? rescope(model, this.merchantId, `group:${groupId}`, `merchant:${this.merchantId}`) : []
    if (moves === "collision") return checkRejection(what, s, [rejection("GROUP_MEMBERSHIP")], ["DUPLICATE-CARD"])
    if (!s.ok) throw new Mismatch(`${what}: expected the merchant to leave, got a refusal`, ["GROUP-MEMBERSHIP"])
    equal(s.value.moved, moves.length, `${what}: tokens moved`, ["GROUP-MEMBERSHIP"])
    for (const t of moves) Model.put(model, t)
    model.merchants.set(this.merchantId, { ...m!, groupId: undefined })
  }
  toString(): string {
    return `leaveGroup(${this.merchantId} ← ${this.groupId}, ${this.takeTokens ? "taking its tokens" : "tokens stay with the group"})`
  }
}
