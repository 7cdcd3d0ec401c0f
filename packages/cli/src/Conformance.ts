/**
 * `tokenvault conformance`: the conformance kit's runner behind the CLI.
 *
 * Built-in targets: `memory` (the store suite on the memory store), `file`
 * (the store suite on the file store in a temporary directory, durable) and
 * `vault` (the vault suite through the kit's built-in driver). A target can
 * also be a module path exporting a store factory or a vault driver.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as CliFailure from "./CliFailure.ts"
import * as Render from "./internal/render.ts"

/**
 * The built-in target names.
 *
 * @category models
 * @since 0.1.0
 */
export const builtInTargets: ReadonlyArray<string> = ["memory", "file", "vault"]

/**
 * One rule's outcome in a report.
 *
 * @category models
 * @since 0.1.0
 */
export interface RuleReport {
  readonly id: string
  readonly statement: string
  readonly source: string
  readonly properties: ReadonlyArray<string>
  readonly runs: number
  readonly passed: boolean
  readonly counterexample?: unknown
}

/**
 * A per-target report.
 *
 * @category models
 * @since 0.1.0
 */
export interface Report {
  readonly version: number | string
  readonly target: string
  readonly seed: number
  readonly rules: ReadonlyArray<RuleReport>
  readonly passed: number
  readonly failed: number
}

/**
 * Options for {@link run}.
 *
 * @category models
 * @since 0.1.0
 */
export interface Options {
  /** Target names or module paths; empty means every built-in target. */
  readonly targets: ReadonlyArray<string>
  /** Runs per property (default: the kit's budget). */
  readonly runs?: number | undefined
  /** The seed; the same seed replays the same runs (default: a fresh one, printed in the report). */
  readonly seed?: number | undefined
  /** Where to write the JSON report. */
  readonly reportFile?: string | undefined
  /** Progress: properties done, their total, and what runs now. */
  readonly onProgress?: ((done: number, total: number | undefined, detail: string | undefined) => void) | undefined
}

/**
 * The outcome of a run: the per-target reports and the totals.
 *
 * @category models
 * @since 0.1.0
 */
export interface Outcome {
  readonly reports: ReadonlyArray<Report>
  readonly passed: boolean
  readonly failed: number
}

/**
 * Runs the kit.
 *
 * @category running
 * @since 0.1.0
 */
export const run = (_options: Options): Effect.Effect<Outcome, CliFailure.CliFailure> =>
  Effect.fail(CliFailure.rejected("NOT_AVAILABLE", "The conformance kit's runner is not available in this build yet."))

/**
 * Human rendering of an outcome: one line per rule, then totals; ANSI
 * colours when `colour` is true.
 *
 * @category encoding
 * @since 0.1.0
 */
export const formatHuman = (outcome: Outcome, colour: boolean): string => {
  const p = Render.palette(colour)
  const lines: Array<string> = []
  for (const report of outcome.reports) {
    lines.push(p.bold(`${report.target}  (seed ${report.seed})`))
    for (const rule of report.rules) {
      lines.push(`  ${rule.passed ? p.green("PASS") : p.red("FAIL")}  ${rule.id}  ${p.dim(rule.statement)}`)
    }
    lines.push(`  ${report.passed} passed, ${report.failed} failed`)
  }
  lines.push(outcome.passed ? p.green("All rules pass.") : p.red(`${outcome.failed} rule(s) failed.`))
  return lines.join("\n")
}
