/**
 * Concurrent callers claiming one `(merchantId, merchantRequestId)` pair:
 * binds to several tokens and, sometimes, an insert of a record carrying
 * the pair. Exactly one wins when the pair was free and anyone could; every
 * other caller gets `Duplicate` (`merchantRequestId`), or a failure its own
 * call explains before or after the winner's (an absent token, another
 * broken constraint of its insert), and the pair answers with the winner's
 * token.
 *
 * @since 0.1.0
 */
import type { TokenRecord } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Mismatch } from "../../internal/assert.ts"
import { concurrently } from "../../internal/concurrently.ts"
import { attempt } from "../../internal/outcome.ts"
import { type Expected, failedWithOneOf, showOutcome } from "../../internal/storeCall.ts"
import { showRecord } from "../Arbitraries.ts"
import * as Model from "../Model.ts"
import { showKey } from "./BindRequestIdCommand.ts"
import { checkRequestKey } from "./GetRequestKeyCommand.ts"

const RULES = ["IDEMPOTENCY"]

/**
 * One caller's claim: a bind, or an insert of a record with the pair.
 *
 * @category models
 * @since 0.1.0
 */
export type Claim =
  | { readonly _tag: "Bind"; readonly key: TokenStore.RequestKey }
  | { readonly _tag: "Insert"; readonly record: TokenRecord.TokenRecord }

const failuresOf = (m: Model.Model, c: Claim): Array<Expected> =>
  c._tag === "Bind" ? Model.bindFailures(m, c.key) : Model.insertFailures(m, c.record)

const apply = (m: Model.Model, c: Claim): void => {
  if (c._tag === "Insert") m.records.set(c.record.token, c.record)
  else m.boundKeys.set(Model.keyId(c.key.merchantId, c.key.merchantRequestId), c.key)
}

const withClaims = (model: Model.Model, claims: ReadonlyArray<Claim>): Model.Model => {
  const m = { ...model, records: new Map(model.records), boundKeys: new Map(model.boundKeys) }
  for (const c of claims) apply(m, c)
  return m
}

const show = (c: Claim): string => (c._tag === "Bind" ? `bindRequestId(${showKey(c.key)})` : `insert(${showRecord(c.record)})`)

/**
 * The concurrent bind command.
 *
 * @category models
 * @since 0.1.0
 */
export class ConcurrentBindCommand implements Model.Command {
  constructor(readonly claims: ReadonlyArray<Claim>) {}
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    const outcomes = await concurrently(
      real.scheduler,
      this.claims.map((c, i) =>
        [
          `caller ${i + 1}: ${show(c)}`,
          () => attempt(() => (c._tag === "Bind" ? real.store.bindRequestId(c.key) : real.store.insert(c.record)))
        ] as const
      )
    )
    const what = `${this.claims.length} concurrent claims`
    const winners = this.claims.filter((_, i) => outcomes[i]!._tag === "Success")
    if (winners.length > 1) throw new Mismatch(`${what}: ${winners.length} callers took one key (${winners.map(show).join(", ")})`, RULES)
    const after = withClaims(model, winners)
    this.claims.forEach((c, i) => {
      const o = outcomes[i]!
      if (o._tag === "Success") {
        const broken = failuresOf(model, c)
        if (broken.length > 0) throw new Mismatch(`${what}: caller ${i + 1} won though it breaks ${broken.map((b) => b.constraint ?? b.reason).join(", ")}`, RULES)
        return
      }
      // A loser ran before the winner or after it: what either state explains.
      const allowed = [...failuresOf(model, c), ...failuresOf(after, c)]
      if (!failedWithOneOf(o, allowed)) throw new Mismatch(`${what}: caller ${i + 1} got ${showOutcome(o)}, allowed [${allowed.map((a) => a.constraint ?? a.reason).join(", ")}]`, RULES)
    })
    if (winners.length === 0 && this.claims.some((c) => failuresOf(model, c).length === 0)) throw new Mismatch(`${what}: nobody won`, RULES)
    for (const w of winners) apply(model, w)
    const [first] = this.claims
    const pair = first!._tag === "Bind" ? first!.key : { merchantId: first!.record.merchantId, merchantRequestId: first!.record.merchantRequestId! }
    await checkRequestKey(model, real, pair.merchantId, pair.merchantRequestId, `after ${what}`)
  }
  toString(): string {
    return `concurrently(${this.claims.map(show).join(" ‖ ")})`
  }
}
