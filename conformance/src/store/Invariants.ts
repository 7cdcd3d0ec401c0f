/**
 * The whole-state check: every record by token and by request id, every
 * request key (a record's own or a bound one), every
 * merchant, every group, every scope's listing and the purge index equal
 * the model, and so do the synchronous reads (`peek`) of a store that
 * offers them. It runs after every command sequence and after every reopen,
 * so a write that was acknowledged and then lost is caught even when no
 * later command reads it.
 *
 * @since 0.1.0
 */
import type { Group } from "@tokenvault/core"
import { equal } from "../internal/assert.ts"
import { collectPages } from "../internal/paging.ts"
import { expectSuccess } from "../internal/storeCall.ts"
import { pools } from "./Arbitraries.ts"
import { sameMerchant, sameMerchants, sameRecord, sameRecords } from "./Compare.ts"
import { checkRequestKey } from "./commands/GetRequestKeyCommand.ts"
import * as Model from "./Model.ts"

const FAR_FUTURE = "9999-12-31"

/**
 * Requires the store's whole state to equal the model's.
 *
 * @category predicates
 * @since 0.1.0
 */
export const verifyState = async (model: Model.Model, real: Model.Real, when: string): Promise<void> => {
  const store = real.store
  const tokens = new Set<string>([...pools.tokens, ...model.records.keys()])
  for (const token of tokens) {
    const what = `get(${token}) ${when}`
    sameRecord(await expectSuccess(what, () => store.get(token)), model.records.get(token), what)
    // A store's synchronous reads, when it offers them, answer what its effectful ones do.
    if (store.peek !== undefined) sameRecord(store.peek.record(token), model.records.get(token), `peek.record(${token}) ${when}`)
  }
  const merchants = new Set<string>([...pools.merchants, ...model.merchants.keys()])
  if (store.peek !== undefined) {
    for (const merchantId of merchants) {
      const what = `peek.merchant(${merchantId}) ${when}`
      sameMerchant(store.peek.merchant(merchantId), model.merchants.get(merchantId), what, ["GROUP-MEMBERSHIP", "MERCHANT-PREFIX"])
    }
  }
  for (const merchantId of merchants) {
    for (const requestId of pools.requestIds) {
      const what = `getByRequestId(${merchantId}, ${requestId}) ${when}`
      sameRecord(
        await expectSuccess(what, () => store.getByRequestId(merchantId, requestId), ["IDEMPOTENCY"]),
        Model.byRequestId(model, merchantId, requestId),
        what,
        ["IDEMPOTENCY"]
      )
      await checkRequestKey(model, real, merchantId, requestId, when)
    }
  }
  sameMerchants(
    await expectSuccess(`listMerchants() ${when}`, () => store.listMerchants()),
    Array.from(model.merchants.values()),
    `listMerchants() ${when}`,
    ["GROUP-MEMBERSHIP", "MERCHANT-PREFIX"]
  )
  for (const groupId of new Set([...pools.groups, ...model.groups])) {
    const what = `hasGroup(${groupId}) ${when}`
    equal(await expectSuccess(what, () => store.hasGroup(groupId)), model.groups.has(groupId), what, ["GROUP-MEMBERSHIP"])
  }
  const scopes = new Set<Group.Scope>([
    ...pools.merchants.map((m): Group.Scope => `merchant:${m}`),
    ...pools.groups.map((g): Group.Scope => `group:${g}`),
    ...Array.from(model.records.values(), (r) => r.scope)
  ])
  const limit = model.maxPageSize
  for (const scope of scopes) {
    const expected = Model.byScope(model, scope)
    const what = `listByScope(${scope}) ${when}`
    const actual = await collectPages(what, (cursor) => store.listByScope(scope, { limit, cursor }), limit, limit, expected.length, [
      "GROUP-ACCESS"
    ])
    sameRecords(actual, expected, what, ["GROUP-ACCESS"])
  }
  const expectedDue = Model.due(model, FAR_FUTURE)
  const whatDue = `dueForPurge(${FAR_FUTURE}) ${when}`
  const due = await collectPages(
    whatDue,
    (cursor) => store.dueForPurge(FAR_FUTURE as Parameters<typeof store.dueForPurge>[0], { limit, cursor }),
    limit,
    limit,
    expectedDue.length,
    ["RETENTION-PURGE"]
  )
  sameRecords(due, expectedDue, whatDue, ["RETENTION-PURGE"])
}
