/**
 * Close and reopen (durable stores): `close()` then the suite's `reopen`;
 * the reopened store holds exactly the model's state.
 *
 * @since 0.1.0
 */
import { expectSuccess } from "../../internal/storeCall.ts"
import { verifyState } from "../Invariants.ts"
import * as Model from "../Model.ts"

/**
 * The reopen command.
 *
 * @category models
 * @since 0.1.0
 */
export class ReopenCommand implements Model.Command {
  check(): boolean {
    return true
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    if (real.reopen === undefined) return
    await expectSuccess("close()", () => real.store.close())
    await real.reopen()
    await verifyState(model, real, "after reopen")
  }
  toString(): string {
    return "closeAndReopen()"
  }
}
