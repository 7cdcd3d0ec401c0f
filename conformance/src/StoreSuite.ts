/**
 * The store suite: proves a `TokenStore` adapter keeps the port's
 * obligations by running fast-check command sequences against it and
 * against a small reference model, side by side.
 *
 * **When to use**
 *
 * From the adapter's own tests, with vitest:
 *
 * ```ts
 * import { storeSuite } from "@tokenvault/conformance/StoreSuite"
 * import { it } from "vitest"
 *
 * storeSuite({ name: "file", test: it, factory: () => FileTokenStore.make(tmpDir()), reopen: (old) => reopenSameDir(old) })
 * ```
 *
 * or without a framework through {@link runStoreProperties} (the CLI's
 * runner does).
 *
 * **Details**
 *
 * - The manifest comes first: `capabilities` must pass
 *   `TokenStore.validateCapabilities`, and a `durable` store must come with
 *   `reopen`. Optional groups are gated on it (durability runs only for
 *   `durable: true`).
 * - `factory` must return a fresh, empty, isolated store each call; it is
 *   called once per run. It may return a Promise or an Effect; an Effect
 *   that needs a `Scope` keeps it open until the run ends.
 * - `reopen(old)` is called after the kit has closed `old`, and must return
 *   a store over the same durable state.
 * - Every property names the rule IDs it checks; test titles carry them in
 *   brackets, and a failure names the rule its assertion belongs to.
 *
 * @since 0.1.0
 */
import * as TokenStore from "@tokenvault/vault/TokenStore"
import * as fc from "fast-check"
import * as Harness from "./Harness.ts"
import { acquire, attempt } from "./internal/outcome.ts"
import * as Options from "./Options.ts"
import * as Property from "./Property.ts"
import * as Commands from "./store/Commands.ts"
import { verifyState } from "./store/Invariants.ts"
import * as Model from "./store/Model.ts"

/**
 * The store suite's options.
 *
 * @category models
 * @since 0.1.0
 */
export interface StoreSuiteOptions extends Options.RunOptions {
  /** The adapter's name in titles and reports. */
  readonly name: string
  /** A fresh, empty, isolated store; called once per run. */
  readonly factory: () => Harness.Source<TokenStore.Service>
  /** A store over the same durable state as `old`, which the kit has closed. Required when `durable`. */
  readonly reopen?: ((old: TokenStore.Service) => Harness.Source<TokenStore.Service>) | undefined
  /** vitest's `it` or `test` (or compatible); defaults to a global `it`. */
  readonly test?: Harness.TestFunction | undefined
  /** Per-test timeout in milliseconds (default 300 000). */
  readonly timeout?: number | undefined
}

/**
 * What the store properties run against: the validated manifest and a way
 * to open a fresh session (a model, the real store, and its teardown).
 *
 * @category models
 * @since 0.1.0
 */
export interface Subject {
  /** The adapter's name in test titles and reports. */
  readonly name: string
  /** The adapter's validated manifest; properties it does not promise are skipped. */
  readonly capabilities: TokenStore.Capabilities
  /** A fresh store and an empty model; `scheduler` orders concurrent callers. */
  readonly open: (scheduler?: fc.Scheduler) => Promise<Session>
}

/**
 * One run's model and real store.
 *
 * @category models
 * @since 0.1.0
 */
export interface Session {
  /** The reference model the store's answers are compared with. */
  readonly model: Model.Model
  /** The store under test, with its reopen (durable stores) and scheduler. */
  readonly real: Model.Real
  /** Closes the store and releases what the factory acquired. */
  readonly close: () => Promise<void>
}

type Sequence = (o: Commands.SequenceOptions) => fc.Arbitrary<Iterable<Model.Command>>

const runSession = async (
  subject: Subject,
  cmds: Iterable<Model.Command>,
  prelude: ReadonlyArray<Model.Command>,
  scheduler?: fc.Scheduler
): Promise<void> => {
  const session = await subject.open(scheduler)
  try {
    for (const command of prelude) await command.run(session.model, session.real)
    await fc.asyncModelRun(() => ({ model: session.model, real: session.real }), cmds)
    await verifyState(session.model, session.real, "at the end of the run")
  } finally {
    await session.close()
  }
}

const modelBased = (commands: Sequence, prelude: ReadonlyArray<Model.Command> = []) => (subject: Subject, options: Options.Resolved) =>
  fc.asyncProperty(commands(options), (cmds) => runSession(subject, cmds, prelude))

const scheduled = (commands: Sequence) => (subject: Subject, options: Options.Resolved) =>
  fc.asyncProperty(fc.scheduler(), commands(options), (scheduler, cmds) => runSession(subject, cmds, [], scheduler))

const survivesReopen: Property.Property<Subject> = {
  name: "state survives close and reopen at random points",
  rules: ["IDEMPOTENCY", "DELETE-IRREVERSIBLE", "DUPLICATE-CARD", "RETENTION-PURGE", "GROUP-ACCESS", "GROUP-MEMBERSHIP", "MERCHANT-PREFIX"],
  skip: (subject) => (subject.capabilities.durable ? undefined : "the store is not durable (capabilities.durable: false)"),
  make: modelBased(Commands.durable)
}

/**
 * The store properties, in the order they run.
 *
 * @category models
 * @since 0.1.0
 */
export const properties: ReadonlyArray<Property.Property<Subject>> = [
  {
    name: "records, tombstones, idempotency keys and indexed queries follow the model",
    rules: ["IDEMPOTENCY", "DELETE-IRREVERSIBLE", "DUPLICATE-CARD", "RETENTION-PURGE"],
    make: modelBased(Commands.records)
  },
  {
    name: "merchants, prefixes, groups and atomic re-scoping follow the model",
    rules: ["GROUP-ACCESS", "GROUP-MEMBERSHIP", "MERCHANT-PREFIX", "DUPLICATE-CARD"],
    make: modelBased(Commands.scopes, Commands.scopesPrelude)
  },
  {
    name: "concurrent callers: one compare-and-set wins per version and no update is lost",
    rules: ["DELETE-IRREVERSIBLE", "STATUS-TRANSITIONS", "IDEMPOTENCY", "DUPLICATE-CARD"],
    make: scheduled(Commands.concurrent)
  },
  {
    name: "idempotency keys bound to existing tokens: taken pairs, absent tokens, racing claims, deletion and reopen",
    rules: ["IDEMPOTENCY", "DELETE-IRREVERSIBLE"],
    make: scheduled(Commands.requestKeys)
  },
  survivesReopen
]

/**
 * A validated subject, or why the adapter cannot be checked at all.
 *
 * @category models
 * @since 0.1.0
 */
export type Prepared = { readonly _tag: "Ready"; readonly subject: Subject } | { readonly _tag: "Broken"; readonly problem: string }

const problemOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/**
 * Opens one store to read and validate its manifest, then builds the
 * subject the properties run against.
 *
 * @category constructors
 * @since 0.1.0
 */
export const prepare = async (options: StoreSuiteOptions): Promise<Prepared> => {
  if (typeof options.factory !== "function") return { _tag: "Broken", problem: "factory must be a function" }
  let capabilities: unknown
  try {
    const probe = await acquire(options.factory())
    capabilities = probe.value.capabilities
    await attempt(() => probe.value.close())
    await probe.release()
  } catch (e) {
    return { _tag: "Broken", problem: `the factory failed: ${problemOf(e)}` }
  }
  const problems = [...TokenStore.validateCapabilities(capabilities)]
  const caps = capabilities as TokenStore.Capabilities
  if (problems.length === 0 && caps.durable && options.reopen === undefined) {
    problems.push("a durable store needs the reopen option, so the kit can check what survives a reopen")
  }
  if (problems.length > 0) return { _tag: "Broken", problem: `invalid capabilities manifest: ${problems.join("; ")}` }
  const subject: Subject = {
    name: options.name,
    capabilities: caps,
    open: async (scheduler) => {
      const first = await acquire(options.factory())
      const releases = [first.release]
      const reopen = options.reopen
      const real: Model.Real = {
        store: first.value,
        scheduler,
        reopen: reopen === undefined ? undefined : async () => {
          const next = await acquire(reopen(real.store))
          real.store = next.value
          releases.push(next.release)
        }
      }
      return {
        model: Model.empty(first.value.capabilities.maxPageSize),
        real,
        close: async () => {
          await attempt(() => real.store.close())
          for (const release of releases.reverse()) await release().catch(() => undefined)
        }
      }
    }
  }
  return { _tag: "Ready", subject }
}

/**
 * Runs every store property without a test framework and returns the
 * results; `onResult` hears each one as it finishes.
 *
 * @category running
 * @since 0.1.0
 */
export const runStoreProperties = async (
  options: StoreSuiteOptions,
  onResult?: (result: Property.Result) => void
): Promise<ReadonlyArray<Property.Result>> => {
  const resolved = Options.resolve(options)
  const prepared = await prepare(options)
  const results: Array<Property.Result> = []
  for (const property of properties) {
    if (!Property.isSelected(property, resolved)) continue
    const result = prepared._tag === "Broken"
      ? Property.broken(property, resolved.seed, prepared.problem)
      : await Property.check(property, prepared.subject, resolved)
    results.push(result)
    onResult?.(result)
    if (resolved.bail && result.status === "failed") break
  }
  return results
}

/**
 * Registers one test per store property with the caller's `test` function.
 * The manifest is read once, lazily, by the first test.
 *
 * @category running
 * @since 0.1.0
 */
export const storeSuite = (options: StoreSuiteOptions): void => {
  const test = Harness.resolveTest(options.test)
  const resolved = Options.resolve(options)
  let prepared: Promise<Prepared> | undefined
  for (const property of properties) {
    if (!Property.isSelected(property, resolved)) continue
    // Without `reopen` the store cannot be durable (prepare refuses a durable one without it), so
    // reopening is not a behaviour of this store: no test, rather than a skipped one. The runner's
    // report still lists it as skipped.
    if (property === survivesReopen && options.reopen === undefined) continue
    test(Harness.title(options.name, property), async (context) => {
      prepared ??= prepare(options)
      const p = await prepared
      const result = p._tag === "Broken"
        ? Property.broken(property, resolved.seed, p.problem)
        : await Property.check(property, p.subject, resolved)
      Harness.settle(options.name, result, context)
    }, options.timeout ?? 300_000)
  }
}
