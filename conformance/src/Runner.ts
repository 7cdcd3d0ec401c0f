/**
 * The framework-free runner behind `pnpm conformance`: runs the store suite
 * or the gateway suite against each target and produces one report per
 * target, rule by rule (from `Rules.all`), with the runs spent on each rule
 * and the shrunk counterexample of a rule that failed.
 *
 * **Example** (Check the memory store and the vault)
 *
 * ```ts
 * import * as Runner from "@tokenvault/conformance/Runner"
 * import * as VaultDriver from "@tokenvault/conformance/drivers/VaultDriver"
 * import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
 *
 * const reports = await Runner.run({
 *   targets: [
 *     { name: "memory", kind: "store", factory: async () => MemoryTokenStore.make() },
 *     { name: "vault", kind: "vault", driver: () => VaultDriver.make() }
 *   ],
 *   runs: 100
 * })
 * console.log(reports.map(Runner.formatReport).join("\n\n"))
 * ```
 *
 * @since 0.1.0
 */
import { Rules } from "@tokenvault/core"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import type * as GatewayDriver from "./GatewayDriver.ts"
import * as Options from "./Options.ts"
import * as Property from "./Property.ts"
import type { Source } from "./Harness.ts"
import { runStoreProperties } from "./StoreSuite.ts"
import { runVaultProperties } from "./VaultSuite.ts"

/**
 * The version of the conformance contract: the set of obligations the kit
 * checks. It changes whenever an obligation is added, removed or changed;
 * `docs/UPGRADING.md` records each version.
 *
 * @category models
 * @since 0.1.0
 */
export const CONTRACT_VERSION = "1.0.0"

/**
 * What to check: a `TokenStore` adapter or a gateway behind a driver.
 *
 * @category models
 * @since 0.1.0
 */
export type Target =
  | {
    /** The target's name in reports and progress. */
    readonly name: string
    /** Runs the store suite (the `TokenStore` port's obligations). */
    readonly kind: "store"
    /** A fresh, empty, isolated store (see `StoreSuite.StoreSuiteOptions.factory`). */
    readonly factory: () => Source<TokenStore.Service>
    /** A store over the same durable state as `old` (durable stores only). */
    readonly reopen?: ((old: TokenStore.Service) => Source<TokenStore.Service>) | undefined
  }
  | {
    /** The target's name in reports and progress. */
    readonly name: string
    /** Runs the gateway suite (tokenvault's rules, through the driver). */
    readonly kind: "vault"
    /** A fresh, empty gateway behind a driver. */
    readonly driver: () => Promise<GatewayDriver.GatewayDriver>
  }

/**
 * A property finished.
 *
 * @category models
 * @since 0.1.0
 */
export interface Progress {
  /** The name of the target being checked. */
  readonly target: string
  /** The property's outcome: passed, failed (with seed and path) or skipped. */
  readonly result: Property.Result
}

/**
 * The runner's options. `runs`, `seed`, `maxCommands`, `path`, `replayPath`
 * and `property` fall back to the environment (see `Options`).
 *
 * @category models
 * @since 0.1.0
 */
export interface RunOptions {
  /** What to check, in order; each gets its own report. */
  readonly targets: ReadonlyArray<Target>
  /** Runs per property (`Options.RunOptions.numRuns`). */
  readonly runs?: number | undefined
  /** The seed; the same seed replays the same runs. */
  readonly seed?: number | undefined
  /** Most commands in one model-based run. */
  readonly maxCommands?: number | undefined
  /** fast-check's path to a failing run, printed with a failure (with `property`). */
  readonly path?: string | undefined
  /** fast-check's replay path for command sequences, printed with a failure. */
  readonly replayPath?: string | undefined
  /** Runs only the properties whose name contains this text. */
  readonly property?: string | undefined
  /** Stops a target's run at its first failed property. */
  readonly bail?: boolean | undefined
  /** Hears each property as it finishes. */
  readonly onProgress?: ((progress: Progress) => void) | undefined
}

/**
 * One rule's outcome for a target.
 *
 * @category models
 * @since 0.1.0
 */
export interface RuleReport {
  /** The rule's ID in `Rules.all` (`PAN-LUHN`). */
  readonly id: string
  /** What the rule requires, from the registry. */
  readonly statement: string
  /** The rule's sources, `document — section`, joined by `; `. */
  readonly source: string
  /** The names of the properties that check it. */
  readonly properties: ReadonlyArray<string>
  /** Runs spent on it (summed over its properties). */
  readonly runs: number
  /** False when a failed property's assertion names this rule. */
  readonly passed: boolean
  /** The failure that broke it: rules, error, seed, path, replay path, shrunk trace, replay line. */
  readonly counterexample?: string
}

/**
 * A target's report.
 *
 * @category models
 * @since 0.1.0
 */
export interface Report {
  /** The contract version ({@link CONTRACT_VERSION}). */
  readonly version: string
  /** The target's name. */
  readonly target: string
  /** The seed every property ran with; pass it back to replay the run. */
  readonly seed: number
  /** One entry per rule the suite checks, in the registry's order. */
  readonly rules: ReadonlyArray<RuleReport>
  /** How many rules passed. */
  readonly passed: number
  /** How many rules failed. */
  readonly failed: number
}

/**
 * Builds a target's report from its property results: one entry per rule
 * some property checks (or found broken), in the registry's order. A rule
 * fails when a failed property's assertion names it.
 *
 * @category constructors
 * @since 0.1.0
 */
export const toReport = (target: string, seed: number, results: ReadonlyArray<Property.Result>): Report => {
  const rules = Rules.all.flatMap((rule): Array<RuleReport> => {
    const checking = results.filter((r) => r.rules.includes(rule.id) || (r.status === "failed" && r.violated.includes(rule.id)))
    if (checking.length === 0) return []
    const broken = checking.find((r) => r.status === "failed" && r.violated.includes(rule.id))
    return [{
      id: rule.id,
      statement: rule.statement,
      source: rule.sources.map((s) => `${s.document} — ${s.section}`).join("; "),
      properties: checking.map((r) => r.name),
      runs: checking.reduce((n, r) => n + r.runs, 0),
      passed: broken === undefined,
      ...(broken === undefined ? {} : { counterexample: Property.formatFailure(target, broken) })
    }]
  })
  const failed = rules.filter((r) => !r.passed).length
  return { version: CONTRACT_VERSION, target, seed, rules, passed: rules.length - failed, failed }
}

/**
 * Runs every target and returns one report per target, in order.
 *
 * @category running
 * @since 0.1.0
 */
export const run = async (options: RunOptions): Promise<ReadonlyArray<Report>> => {
  const resolved = Options.resolve({
    numRuns: options.runs,
    seed: options.seed,
    maxCommands: options.maxCommands,
    path: options.path,
    replayPath: options.replayPath,
    property: options.property,
    bail: options.bail
  })
  const common: Options.RunOptions = { ...resolved }
  const reports: Array<Report> = []
  for (const target of options.targets) {
    const onResult = (result: Property.Result) => options.onProgress?.({ target: target.name, result })
    const results = target.kind === "store"
      ? await runStoreProperties({ ...common, name: target.name, factory: target.factory, reopen: target.reopen }, onResult)
      : await runVaultProperties({ ...common, name: target.name, driver: target.driver }, onResult)
    reports.push(toReport(target.name, resolved.seed, results))
  }
  return reports
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length))

/**
 * A report as a table for people: one line per rule (ID, runs, result,
 * statement), the totals, then each failed rule's counterexample.
 *
 * @category encoding
 * @since 0.1.0
 */
export const formatReport = (report: Report): string => {
  const width = Math.max(4, ...report.rules.map((r) => r.id.length))
  const lines = [
    `tokenvault conformance ${report.version} — ${report.target} (seed ${report.seed})`,
    "",
    `${pad("RULE", width)}  ${pad("RUNS", 6)}  RESULT  STATEMENT`,
    ...report.rules.map((r) => `${pad(r.id, width)}  ${pad(String(r.runs), 6)}  ${r.passed ? "pass  " : "FAIL  "}  ${r.statement}`),
    "",
    `${report.passed} rule${report.passed === 1 ? "" : "s"} passed, ${report.failed} failed`
  ]
  for (const r of report.rules) if (r.counterexample !== undefined) lines.push("", `${r.id}:`, r.counterexample)
  return lines.join("\n")
}
