/**
 * `changeMembership(change)`: a merchant joins a group (bringing its tokens
 * or not) or leaves its group (taking its tokens or not). The store updates
 * the membership and re-scopes every record the merchant owns in the `from`
 * scope, tombstones included, each with its version bumped, in one atomic
 * step; it fails with `NotFound` for an unknown merchant or group and with
 * `Duplicate` (activeFingerprint) when a moved ACTIVE record would meet
 * another in its slot, and then changes nothing at all.
 *
 * @since 0.1.0
 */
import { Group } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Result } from "effect"
import { equal } from "../../internal/assert.ts"
import { collectPages } from "../../internal/paging.ts"
import { expectFailure, expectSuccess } from "../../internal/storeCall.ts"
import { sameMerchant, sameRecords } from "../Compare.ts"
import * as Model from "../Model.ts"

const RULES = ["GROUP-MEMBERSHIP"]

/**
 * The membership command: leaves the merchant's group if it has one, else
 * joins `groupId`; `carry` says whether tokens move.
 *
 * @category models
 * @since 0.1.0
 */
export class ChangeMembershipCommand implements Model.Command {
  constructor(readonly merchantId: string, readonly groupId: string, readonly carry: boolean) {}
  check(): boolean {
    return true
  }
  change(model: Model.Model): TokenStore.MembershipChange {
    const current = model.merchants.get(this.merchantId)?.groupId
    const membership: Group.Membership = new Map(current === undefined ? [] : [[this.merchantId, current]])
    const r = current === undefined
      ? Group.join(membership, this.merchantId, this.groupId, this.carry)
      : Group.leave(membership, this.merchantId, current, this.carry)
    const rescope = Result.isSuccess(r) ? r.success.rescope : undefined
    return { merchantId: this.merchantId, groupId: current === undefined ? this.groupId : undefined, rescope }
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const change = this.change(model)
    const what = `changeMembership(${change.merchantId} → ${change.groupId ?? "no group"}${
      change.rescope === undefined ? "" : `, moving ${change.rescope.from} → ${change.rescope.to}`
    })`
    const effect = Model.membershipEffect(model, change)
    if (effect._tag === "Fail") {
      const rules = effect.failure.reason === "Duplicate" ? ["DUPLICATE-CARD", ...RULES] : RULES
      await expectFailure(what, () => real.store.changeMembership(change), [effect.failure], rules)
    } else {
      const moved = await expectSuccess(what, () => real.store.changeMembership(change), RULES)
      equal(moved, effect.moved.length, `${what} count`, RULES)
      for (const r of effect.moved) model.records.set(r.token, r)
      const entry = model.merchants.get(change.merchantId)!
      model.merchants.set(change.merchantId, { ...entry, groupId: change.groupId })
    }
    sameMerchant(
      await expectSuccess(`getMerchant(${change.merchantId})`, () => real.store.getMerchant(change.merchantId), RULES),
      model.merchants.get(change.merchantId),
      `getMerchant(${change.merchantId}) after ${what}`,
      RULES
    )
    if (change.rescope !== undefined) {
      for (const scope of [change.rescope.from, change.rescope.to]) {
        const expected = Model.byScope(model, scope)
        const limit = model.maxPageSize
        const actual = await collectPages(
          `listByScope(${scope}) after ${what}`,
          (cursor) => real.store.listByScope(scope, { limit, cursor }),
          limit,
          model.maxPageSize,
          expected.length,
          RULES
        )
        sameRecords(actual, expected, `listByScope(${scope}) after ${what}`, RULES)
      }
    }
  }
  toString(): string {
    return `membership(${this.merchantId}, join ${this.groupId} or leave, ${this.carry ? "moving tokens" : "tokens stay"})`
  }
}
