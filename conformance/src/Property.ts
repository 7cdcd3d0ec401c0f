/**
 * A conformance property: a fast-check property over a subject (a store or a
 * gateway driver), tagged with the rule IDs it checks. {@link check} runs one
 * without any test framework and returns a plain {@link Result}; a failure
 * carries the seed, the path, the replay path and the shrunk command trace,
 * and {@link formatFailure} prints them with the line that replays it.
 *
 * @since 0.1.0
 */
import * as fc from "fast-check"
import { Mismatch, redact } from "./internal/assert.ts"
import * as Options from "./Options.ts"

/**
 * A property of the contract.
 *
 * @category models
 * @since 0.1.0
 */
export interface Property<Subject> {
  /** A sentence naming the obligation, unique within its suite. */
  readonly name: string
  /** The rule IDs (from `Rules.all`) the property checks. */
  readonly rules: ReadonlyArray<string>
  /** Why the property does not apply to this subject (a capability it lacks), or `undefined`. */
  readonly skip?: ((subject: Subject) => string | undefined) | undefined
  /**
   * Builds the fast-check property. Called once per check, so arbitraries
   * that keep replay state (`fc.commands`) are fresh each time.
   */
  readonly make: (subject: Subject, options: Options.Resolved) => fc.IAsyncProperty<any>
}

/**
 * What checking a property found.
 *
 * @category models
 * @since 0.1.0
 */
export interface Result {
  readonly name: string
  readonly rules: ReadonlyArray<string>
  readonly status: "passed" | "failed" | "skipped"
  /** Runs executed (up to and including the failing one). */
  readonly runs: number
  readonly seed: number
  /** fast-check's path to the shrunk failure. */
  readonly path: string | undefined
  /** fast-check's replay path for the command sequence. */
  readonly replayPath: string | undefined
  /** The shrunk counterexample: one command per line, or the generated values. */
  readonly counterexample: string | undefined
  /** What went wrong (the assertion's message). */
  readonly error: string | undefined
  /**
   * The rules the failing assertion names (all of {@link rules} when it
   * names none). A model-based property may find a broken rule it does not
   * list (a retention date seen while checking formats); it is reported
   * against that rule.
   */
  readonly violated: ReadonlyArray<string>
  /** Why the property was skipped. */
  readonly skipped: string | undefined
  readonly durationMs: number
}

const describeError = (error: unknown): string => {
  if (error instanceof Error) return error.message
  try {
    return JSON.stringify(error) ?? String(error)
  } catch {
    return String(error)
  }
}

interface Wrapper {
  readonly hasRan: boolean
  readonly cmd: unknown
}

const isCommands = (u: unknown): u is Iterable<Wrapper> & { toString(): string } =>
  typeof u === "object" && u !== null && Symbol.iterator in u && "metadataForReplay" in u

const REPLAY = /replayPath=("(?:[^"\\]|\\.)*")/

const traceOf = (values: ReadonlyArray<unknown>): { readonly trace: string; readonly replayPath: string | undefined } => {
  const lines: Array<string> = []
  let replayPath: string | undefined
  for (const value of values) {
    if (isCommands(value)) {
      let i = 0
      for (const w of value) if (w.hasRan) lines.push(`  ${++i}. ${String(w.cmd)}`)
      const m = REPLAY.exec(String(value))
      if (m !== null) replayPath = JSON.parse(m[1]!) as string
    } else {
      lines.push(`  ${fc.stringify(value)}`)
    }
  }
  return { trace: redact(lines.join("\n")), replayPath }
}

const result = <S>(property: Property<S>, seed: number, fields: Partial<Result> & Pick<Result, "status">): Result => ({
  name: property.name,
  rules: property.rules,
  runs: 0,
  seed,
  path: undefined,
  replayPath: undefined,
  counterexample: undefined,
  error: undefined,
  violated: [],
  skipped: undefined,
  durationMs: 0,
  ...fields
})

/**
 * A skipped result.
 *
 * @category constructors
 * @since 0.1.0
 */
export const skipped = <S>(property: Property<S>, seed: number, reason: string): Result =>
  result(property, seed, { status: "skipped", skipped: reason })

/**
 * A failed result that no run produced: the subject could not be set up or
 * its manifest is invalid.
 *
 * @category constructors
 * @since 0.1.0
 */
export const broken = <S>(property: Property<S>, seed: number, error: string): Result =>
  result(property, seed, { status: "failed", error, violated: property.rules })

/**
 * True when `options.property` selects the property (or selects nothing).
 *
 * @category predicates
 * @since 0.1.0
 */
export const isSelected = <S>(property: Property<S>, options: Options.Resolved): boolean =>
  options.property === undefined || property.name.includes(options.property)

/**
 * Checks one property against a subject with the resolved budget. Never
 * throws for a failing subject: the failure is in the result.
 *
 * @category running
 * @since 0.1.0
 */
export const check = async <S>(property: Property<S>, subject: S, options: Options.Resolved): Promise<Result> => {
  const reason = property.skip?.(subject)
  if (reason !== undefined) return skipped(property, options.seed, reason)
  const started = performance.now()
  const details = await fc.check(property.make(subject, options), {
    numRuns: options.numRuns,
    seed: options.seed,
    ...(options.path === undefined ? {} : { path: options.path, endOnFailure: true })
  })
  const durationMs = Math.round(performance.now() - started)
  if (!details.failed) return result(property, options.seed, { status: "passed", runs: details.numRuns, durationMs })
  const error = details.errorInstance
  const named = error instanceof Mismatch && error.rules !== undefined ? error.rules : []
  const { replayPath, trace } = details.counterexample === null
    ? { trace: undefined, replayPath: undefined }
    : traceOf(details.counterexample as ReadonlyArray<unknown>)
  return result(property, details.seed, {
    status: "failed",
    runs: details.numRuns,
    path: details.counterexamplePath ?? undefined,
    replayPath,
    counterexample: trace,
    error: details.interrupted ? "interrupted" : redact(describeError(error)),
    violated: named.length > 0 ? named : property.rules,
    durationMs
  })
}

const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`

/**
 * The environment that replays a failed result (seed, path, replay path and
 * the property's name).
 *
 * @category getters
 * @since 0.1.0
 */
export const replayEnvironment = (result: Result): string =>
  [
    `TOKENVAULT_CONFORMANCE_SEED=${result.seed}`,
    ...(result.path === undefined ? [] : [`TOKENVAULT_CONFORMANCE_PATH=${shellQuote(result.path)}`]),
    ...(result.replayPath === undefined ? [] : [`TOKENVAULT_CONFORMANCE_REPLAY_PATH=${shellQuote(result.replayPath)}`]),
    `TOKENVAULT_CONFORMANCE_PROPERTY=${shellQuote(result.name)}`
  ].join(" ")

/**
 * A failure as text: the broken rules, the assertion, the seed, path and
 * replay path, the shrunk command trace and the line that replays it.
 *
 * @category encoding
 * @since 0.1.0
 */
export const formatFailure = (target: string, result: Result): string =>
  [
    `${target}: ${result.name} [${result.violated.join("] [")}]`,
    `  ${result.error ?? "failed"}`,
    `  seed: ${result.seed}${result.path === undefined ? "" : `, path: ${JSON.stringify(result.path)}`}${
      result.replayPath === undefined ? "" : `, replayPath: ${JSON.stringify(result.replayPath)}`
    } (after ${result.runs} run${result.runs === 1 ? "" : "s"})`,
    ...(result.counterexample === undefined ? [] : ["  counterexample (shrunk):", result.counterexample]),
    `  replay: ${replayEnvironment(result)}`
  ].join("\n")
