/**
 * The kit's budget and replay options: how many runs, how many commands per
 * run, and the seed, path and replay path that reproduce a failure. Each
 * comes from the caller's options first, then from the environment, then
 * from the default CI budget.
 *
 * | option | environment | default |
 * |---|---|---|
 * | `numRuns` | `TOKENVAULT_CONFORMANCE_RUNS`, `FC_NUM_RUNS` | {@link defaults}`.numRuns` |
 * | `maxCommands` | `TOKENVAULT_CONFORMANCE_COMMANDS` | {@link defaults}`.maxCommands` |
 * | `seed` | `TOKENVAULT_CONFORMANCE_SEED`, `FC_SEED` | a fresh seed, printed |
 * | `path` | `TOKENVAULT_CONFORMANCE_PATH`, `FC_PATH` | none |
 * | `replayPath` | `TOKENVAULT_CONFORMANCE_REPLAY_PATH`, `FC_REPLAY_PATH` | none |
 * | `property` | `TOKENVAULT_CONFORMANCE_PROPERTY` | every property |
 *
 * @since 0.1.0
 */

/**
 * The options every suite and the runner accept.
 *
 * @category models
 * @since 0.1.0
 */
export interface RunOptions {
  /** Runs per property. */
  readonly numRuns?: number | undefined
  /** Most commands in one model-based run. */
  readonly maxCommands?: number | undefined
  /** The seed; the same seed replays the same runs. */
  readonly seed?: number | undefined
  /** fast-check's path to a failing run (printed with a failure). */
  readonly path?: string | undefined
  /** fast-check's replay path for command sequences (printed with a failure). */
  readonly replayPath?: string | undefined
  /** Runs only the properties whose name contains this text (use it with `path`). */
  readonly property?: string | undefined
  /** Stops at the first failed property (the framework-free runners only). */
  readonly bail?: boolean | undefined
}

/**
 * Options with every field settled.
 *
 * @category models
 * @since 0.1.0
 */
export interface Resolved {
  readonly numRuns: number
  readonly maxCommands: number
  readonly seed: number
  readonly path: string | undefined
  readonly replayPath: string | undefined
  readonly property: string | undefined
  readonly bail: boolean
}

/**
 * The default CI budget: the whole kit's own test run, mutants included,
 * stays under about three minutes with it.
 *
 * @category models
 * @since 0.1.0
 */
export const defaults = { numRuns: 100, maxCommands: 50 } as const

/**
 * The environment variables the kit reads, by option.
 *
 * @category models
 * @since 0.1.0
 */
export const environment = {
  numRuns: ["TOKENVAULT_CONFORMANCE_RUNS", "FC_NUM_RUNS"],
  maxCommands: ["TOKENVAULT_CONFORMANCE_COMMANDS"],
  seed: ["TOKENVAULT_CONFORMANCE_SEED", "FC_SEED"],
  path: ["TOKENVAULT_CONFORMANCE_PATH", "FC_PATH"],
  replayPath: ["TOKENVAULT_CONFORMANCE_REPLAY_PATH", "FC_REPLAY_PATH"],
  property: ["TOKENVAULT_CONFORMANCE_PROPERTY"]
} as const

const readEnv = (names: ReadonlyArray<string>): string | undefined => {
  const env = (globalThis as { readonly process?: { readonly env?: Record<string, string | undefined> } }).process?.env
  if (env === undefined) return undefined
  for (const name of names) {
    const value = env[name]
    if (value !== undefined && value !== "") return value
  }
  return undefined
}

const integer = (what: string, raw: string | undefined, min: number): number | undefined => {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < min) throw new TypeError(`${what} must be an integer of at least ${min}, got ${JSON.stringify(raw)}`)
  return n
}

/**
 * A fresh 32-bit seed, as fast-check draws one. It is printed with every
 * failure and written into every report, so a run can always be replayed.
 *
 * @category constructors
 * @since 0.1.0
 */
export const freshSeed = (): number => (Date.now() ^ (Math.random() * 0x100000000)) | 0

/**
 * Settles the options: caller first, then environment, then defaults.
 *
 * @category constructors
 * @since 0.1.0
 */
export const resolve = (options: RunOptions = {}): Resolved => {
  const numRuns = options.numRuns ?? integer("numRuns", readEnv(environment.numRuns), 1) ?? defaults.numRuns
  const maxCommands = options.maxCommands ?? integer("maxCommands", readEnv(environment.maxCommands), 1) ??
    defaults.maxCommands
  const seed = options.seed ?? integer("seed", readEnv(environment.seed), -0x80000000) ?? freshSeed()
  return {
    numRuns,
    maxCommands,
    seed: seed | 0,
    path: options.path ?? readEnv(environment.path),
    replayPath: options.replayPath ?? readEnv(environment.replayPath),
    property: options.property ?? readEnv(environment.property),
    bail: options.bail ?? false
  }
}
