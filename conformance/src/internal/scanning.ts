/**
 * A driver that scans everything the gateway says for canary card numbers:
 * every resolved value and every rejection of every method, in every
 * rendering (`JSON.stringify`, `String()`, message, stack, cause chain).
 * It is transparent: values and errors pass through unchanged; hits are
 * recorded for the command to report.
 */
import * as Canary from "../Canary.ts"
import type * as GatewayDriver from "../GatewayDriver.ts"

/** A leak: which method, where in its output, which canary (last 4) in which form. */
export interface Leak extends Canary.Hit {
  readonly method: string
  readonly outcome: "value" | "error"
  readonly where: string
}

/** Wraps a driver; `leaks` collects every hit. */
export const scanning = (
  driver: GatewayDriver.GatewayDriver,
  canaries: ReadonlyArray<string>,
  leaks: Array<Leak>
): GatewayDriver.GatewayDriver => {
  const wrapped: Record<string, unknown> = { name: driver.name }
  for (const [method, fn] of Object.entries(driver)) {
    if (typeof fn !== "function") continue
    wrapped[method] = async (...args: Array<unknown>) => {
      try {
        const value = await (fn as (...a: Array<unknown>) => Promise<unknown>).apply(driver, args)
        for (const hit of Canary.scanValue(value, canaries)) leaks.push({ ...hit, method, outcome: "value" })
        return value
      } catch (error) {
        for (const hit of Canary.scanValue(error, canaries)) leaks.push({ ...hit, method, outcome: "error" })
        throw error
      }
    }
  }
  return wrapped as unknown as GatewayDriver.GatewayDriver
}
