/**
 * Printing results and failures: one JSON document on stdout with `--json`,
 * else human text (tables and colours on a terminal, plain otherwise).
 * Failures go to stderr, as `{"error": {...}}` with `--json`.
 *
 * @since 0.1.0
 */
import type { Failure } from "../CliFailure.ts"
import { redact } from "./redact.ts"
import * as Render from "./render.ts"

/**
 * A command's result: the JSON document and its human rendering.
 *
 * @category models
 * @since 0.1.0
 */
export interface Printed {
  readonly json: unknown
  readonly human: (p: Render.Palette) => string
}

/**
 * Prints a result on stdout.
 *
 * @category running
 * @since 0.1.0
 */
export const printResult = (printed: Printed, json: boolean): void => {
  if (json) {
    process.stdout.write(JSON.stringify(printed.json, null, 2) + "\n")
    return
  }
  const text = printed.human(Render.palette(Render.useColour(process.stdout)))
  if (text !== "") process.stdout.write(text.endsWith("\n") ? text : text + "\n")
}

/**
 * Prints a failure on stderr.
 *
 * @category running
 * @since 0.1.0
 */
export const printFailure = (failure: Failure, json: boolean): void => {
  if (json) {
    process.stderr.write(
      JSON.stringify({ error: { code: failure.code, gatewayCode: failure.gatewayCode, message: redact(failure.message) } }) + "\n"
    )
    return
  }
  const p = Render.palette(Render.useColour(process.stderr))
  const gateway = failure.gatewayCode === null ? "" : ` (gateway ${failure.gatewayCode})`
  process.stderr.write(`${p.red(p.bold("error"))} ${p.bold(failure.code)}${gateway}: ${redact(failure.message)}\n`)
}
