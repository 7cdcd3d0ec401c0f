/**
 * The kit has teeth: each mutant breaks one obligation, and the default
 * budget (the one CI runs) must fail the suite on a rule the mutant breaks.
 * The suite stops at the first failed property (`bail`), as a CI run would
 * report it.
 */
import { assert, it } from "vitest"
import * as Runner from "../src/Runner.ts"
import * as D from "./mutants/driverMutants.ts"
import * as S from "./mutants/storeMutants.ts"
import type { Mutant } from "./mutants/support.ts"

const catches = async (mutant: Mutant): Promise<void> => {
  const [report] = await Runner.run({ targets: [mutant.target], bail: true })
  const failed = report!.rules.filter((r) => !r.passed).map((r) => r.id)
  assert.isAbove(failed.length, 0, `${mutant.name} survived the default budget (seed ${report!.seed})`)
  assert.isTrue(
    failed.some((id) => mutant.rules.includes(id)),
    `${mutant.name} was caught on [${failed.join(", ")}], none of [${mutant.rules.join(", ")}] (seed ${report!.seed})`
  )
}

it("catches a store that ignores compare-and-set [DELETE-IRREVERSIBLE] [STATUS-TRANSITIONS]", () => catches(S.ignoresCompareAndSet))

it("catches a store whose compare-and-set is not atomic [DELETE-IRREVERSIBLE] [STATUS-TRANSITIONS]", () => catches(S.nonAtomicCompareAndSet))

it("catches a store whose synchronous reads go stale [DELETE-IRREVERSIBLE] [STATUS-TRANSITIONS]", () => catches(S.stalePeek))

it("catches a store that forgets a tombstone [DELETE-IRREVERSIBLE]", () => catches(S.forgetsTombstone))

it("catches a store that reissues a deleted value [DELETE-IRREVERSIBLE]", () => catches(S.reissuesDeletedValue))

it("catches a store that ignores the merchant scope [GROUP-ACCESS]", () => catches(S.ignoresMerchantScope))

it("catches a store whose re-scoping is not atomic [GROUP-MEMBERSHIP]", () => catches(S.partialRescope))

it("catches a durable store that drops the last write [DELETE-IRREVERSIBLE] [IDEMPOTENCY]", () => catches(S.dropsLastWrite))

it("catches a durable store that loses idempotency after reopen [IDEMPOTENCY]", () => catches(S.losesIdempotencyOnReopen))

it("catches a durable store that forgets bound request keys after reopen [IDEMPOTENCY]", () => catches(S.forgetsBoundKeysOnReopen))

it("catches a store whose request-key bind is not atomic [IDEMPOTENCY]", () => catches(S.nonAtomicBind))

it("catches a gateway that returns expired tokens [RETENTION-PURGE]", () => catches(D.returnsExpiredTokens))

it("catches a gateway with retention off by one month [RETENTION-CARD] [RETENTION-NON-CARD]", () => catches(D.retentionOffByOneMonth))

it("catches a gateway that accepts a 9-character custom token [CUSTOM-TOKEN-LENGTH]", () => catches(D.acceptsNineCharCustomToken))

it("catches a gateway that counts lowercase and uppercase as different [CUSTOM-TOKEN-CASE]", () =>
  catches(D.caseSensitiveCustomTokens))

it("catches a gateway that leaks the PAN in an error [NO-PAN-LEAK]", () => catches(D.leaksPanInError))

it("catches a gateway that lets DELETED return to ACTIVE [STATUS-TRANSITIONS]", () => catches(D.deletedBackToActive))

it("catches a gateway that ignores the group scope [GROUP-ACCESS]", () => catches(D.ignoresGroupScope))

it("catches a gateway that does not bind a new key to the duplicate it answers with [IDEMPOTENCY]", () => catches(D.forgetsKeyOfDuplicate))

it("catches a gateway that reissues a deleted token [DELETE-IRREVERSIBLE]", () => catches(D.reissuesDeletedToken))
