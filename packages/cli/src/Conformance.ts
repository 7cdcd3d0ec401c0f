/**
 * `tokenvault conformance`: the conformance kit's runner (`Runner.run`)
 * behind the CLI, with the kit's per-rule report.
 *
 * **Targets**
 *
 * | target | what runs |
 * |---|---|
 * | `memory` | the store suite on the in-memory store |
 * | `file` | the store suite on the file store, each run in a fresh temporary directory (durable: reopen included) |
 * | `vault` | the vault (gateway) suite through the kit's built-in driver |
 * | a module path | the store suite when the module exports `factory` (and `reopen` for a durable store), the vault suite when it exports `driver`; either may sit on the default export, with an optional `name` |
 *
 * Without `--target` every built-in target runs. All targets share one seed,
 * so a report replays with `--seed`.
 *
 * **Report** (one per target)
 *
 * `{ version, target, seed, rules: [{ id, statement, source, properties, runs, passed, counterexample? }], passed, failed }`
 * (the kit's `Runner.Report`): a rule fails when a failed property's
 * assertion names it; `passed` and `failed` count rules. `--report FILE`
 * writes the array of reports, the same document `--json` prints.
 *
 * @since 0.1.0
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, dirname, join, resolve as resolvePath } from "node:path"
import { pathToFileURL } from "node:url"
import * as ConformanceOptions from "@tokenvault/conformance/Options"
import * as Runner from "@tokenvault/conformance/Runner"
import * as StoreSuite from "@tokenvault/conformance/StoreSuite"
import * as VaultSuite from "@tokenvault/conformance/VaultSuite"
import * as VaultDriver from "@tokenvault/conformance/drivers/VaultDriver"
import { FileTokenStore } from "@tokenvault/store-file"
import { MemoryTokenStore, type TokenStore } from "@tokenvault/vault"
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
 * One rule's outcome in a report (the kit's `Runner.RuleReport`).
 *
 * @category models
 * @since 0.1.0
 */
export type RuleReport = Runner.RuleReport

/**
 * A per-target report (the kit's `Runner.Report`): `{ version, target, seed,
 * rules, passed, failed }`.
 *
 * @category models
 * @since 0.1.0
 */
export type Report = Runner.Report

/**
 * A target the kit can run (the kit's `Runner.Target`), with an optional
 * clean-up once it has run.
 *
 * @category models
 * @since 0.1.0
 */
export type Target = Runner.Target & {
  /** Removes what the target left behind (temporary directories), once it has run. */
  readonly cleanup?: (() => void) | undefined
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
  /** One report per target, in the order the targets were given. */
  readonly reports: ReadonlyArray<Report>
  /** True when every rule passed on every target. */
  readonly passed: boolean
  /** Rules failed, over every target. */
  readonly failed: number
}

const fileTarget = (): Target => {
  const dirs: Array<string> = []
  const dirOf = new WeakMap<object, string>()
  const openIn = (dir: string) =>
    Effect.map(FileTokenStore.open(dir), (store) => {
      dirOf.set(store, dir)
      return store as TokenStore.Service
    })
  return {
    kind: "store",
    name: "file",
    factory: () =>
      Effect.suspend(() => {
        const dir = mkdtempSync(join(tmpdir(), "tokenvault-conformance-file-"))
        dirs.push(dir)
        return openIn(dir)
      }),
    reopen: (old) =>
      Effect.suspend(() => {
        const dir = dirOf.get(old)
        return dir === undefined ? Effect.die(new Error("reopen: not a store this target opened")) : openIn(dir)
      }),
    cleanup: () => {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
    }
  }
}

const builtIn = (name: string): Target | undefined => {
  switch (name) {
    case "memory":
      return { kind: "store", name: "memory", factory: () => Promise.resolve(MemoryTokenStore.make()) }
    case "file":
      return fileTarget()
    case "vault":
      return { kind: "vault", name: "vault", driver: () => VaultDriver.make() }
    default:
      return undefined
  }
}

const targetError = (message: string) => CliFailure.usage(message)

const fromModule = (spec: string): Effect.Effect<Target, CliFailure.CliFailure> =>
  Effect.gen(function*() {
    const path = resolvePath(spec)
    const mod = yield* Effect.tryPromise({
      try: () => import(pathToFileURL(path).href) as Promise<Record<string, unknown>>,
      catch: (e) =>
        targetError(`--target ${spec}: cannot load the module (${e instanceof Error ? e.message.split("\n")[0] : String(e)}).`)
    })
    const candidates = [mod, mod["default"]].filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null)
    for (const c of candidates) {
      const name = typeof c["name"] === "string" && c["name"] !== "" ? c["name"] : basename(path).replace(/\.[cm]?[jt]s$/, "")
      if (typeof c["driver"] === "function") {
        return { kind: "vault", name, driver: c["driver"] as Extract<Runner.Target, { kind: "vault" }>["driver"] } satisfies Target
      }
      if (typeof c["factory"] === "function") {
        return {
          kind: "store",
          name,
          factory: c["factory"] as StoreSuite.StoreSuiteOptions["factory"],
          reopen: typeof c["reopen"] === "function" ? c["reopen"] as StoreSuite.StoreSuiteOptions["reopen"] : undefined
        } satisfies Target
      }
    }
    return yield* targetError(`--target ${spec}: the module exports neither a store \`factory\` nor a vault \`driver\`.`)
  })

/**
 * Resolves `--target` values (built-in names or module paths) to targets;
 * none means every built-in target.
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolveTargets = (specs: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<Target>, CliFailure.CliFailure> =>
  Effect.forEach(specs.length === 0 ? builtInTargets : specs, (spec) => {
    const b = builtIn(spec)
    if (b !== undefined) return Effect.succeed(b)
    if (/[/\\.]/.test(spec)) return fromModule(spec)
    return Effect.fail(targetError(`Unknown conformance target "${spec}": use ${builtInTargets.join(", ")} or a module path.`))
  })

const propertiesOf = (t: Target): number => (t.kind === "store" ? StoreSuite.properties : VaultSuite.properties).length

/**
 * Runs the kit on the targets and writes the report file when asked.
 *
 * @category running
 * @since 0.1.0
 */
export const run = (options: Options): Effect.Effect<Outcome, CliFailure.CliFailure> =>
  Effect.gen(function*() {
    const targets = yield* resolveTargets(options.targets)
    const seed = options.seed ?? ConformanceOptions.resolve({}).seed
    const total = targets.reduce((n, t) => n + propertiesOf(t), 0)
    let done = 0
    const reports: Array<Report> = []
    for (const target of targets) {
      options.onProgress?.(done, total, target.name)
      const reported = yield* Effect.tryPromise({
        try: () =>
          Runner.run({
            targets: [target],
            runs: options.runs,
            seed,
            onProgress: ({ result }) => {
              done++
              options.onProgress?.(done, total, `${target.name}: ${result.name}`)
            }
          }),
        catch: (e) =>
          CliFailure.rejected("CONFORMANCE_BROKEN", `The ${target.name} target could not run: ${e instanceof Error ? e.message : String(e)}`)
      }).pipe(Effect.ensuring(Effect.sync(() => target.cleanup?.())))
      reports.push(...reported)
    }
    if (options.reportFile !== undefined) {
      const file = resolvePath(options.reportFile)
      yield* Effect.try({
        try: () => writeFileSync(file, JSON.stringify(reports, null, 2) + "\n"),
        catch: () => CliFailure.rejected("REPORT_IO", `Cannot write the report to ${file} (does ${dirname(file)} exist?).`)
      })
    }
    const failed = reports.reduce((n, r) => n + r.failed, 0)
    return { reports, passed: failed === 0, failed }
  })

/**
 * Human rendering of an outcome: one line per rule, then totals; ANSI
 * colours when `colour` is true.
 *
 * @category encoding
 * @since 0.1.0
 */
export const formatHuman = (outcome: Outcome, colour: boolean): string => {
  const p = Render.palette(colour)
  const paint = (line: string): string =>
    line.replace(/ {2}pass {2}/, `  ${p.green("pass")}  `).replace(/ {2}FAIL {2}/, `  ${p.red("FAIL")}  `)
  const body = outcome.reports.map((r) => Runner.formatReport(r).split("\n").map(paint).join("\n")).join("\n\n")
  return `${body}\n\n${outcome.passed ? p.green("All rules pass.") : p.red(`${outcome.failed} rule(s) failed.`)}`
}
