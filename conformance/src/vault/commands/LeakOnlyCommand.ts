/**
 * Runs a command for NO-PAN-LEAK alone: the command talks to the gateway
 * as usual, its model checks are set aside (other properties own them), and
 * what counts is whether the scanning driver saw a canary card number in
 * anything the gateway returned or threw.
 *
 * @since 0.1.0
 */
import { Mismatch } from "../../internal/assert.ts"
import type { Leak } from "../../internal/scanning.ts"
import type * as Model from "../Model.ts"

/**
 * The system under test as the leak property sees it.
 *
 * @category models
 * @since 0.1.0
 */
export interface LeakReal extends Model.Real {
  readonly leaks: Array<Leak>
}

/**
 * The leak-only wrapper.
 *
 * @category models
 * @since 0.1.0
 */
export class LeakOnlyCommand implements Model.Command {
  constructor(readonly command: Model.Command) {}
  check(model: Model.Model): boolean {
    return this.command.check(model)
  }
  async run(model: Model.Model, real: Model.Real): Promise<void> {
    try {
      await this.command.run(model, real)
    } catch {
      // Model checks belong to the other properties.
    }
    const leaks = (real as LeakReal).leaks
    if (leaks.length > 0) {
      const l = leaks[0]!
      throw new Mismatch(
        `card …${l.last4} appeared as ${l.form} in the ${l.where} of the ${l.outcome} of ${l.method}()` +
          (leaks.length > 1 ? ` (and ${leaks.length - 1} more)` : ""),
        ["NO-PAN-LEAK"]
      )
    }
  }
  toString(): string {
    return this.command.toString()
  }
}
