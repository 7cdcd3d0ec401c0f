/**
 * The gateway suite: proves a vault (through a {@link GatewayDriver.GatewayDriver})
 * keeps tokenvault's rules, by running fast-check command sequences against
 * it and against a reference model of the rules, under a clock the suite
 * controls.
 *
 * **When to use**
 *
 * ```ts
 * import * as VaultDriver from "@tokenvault/conformance/drivers/VaultDriver"
 * import { vaultSuite } from "@tokenvault/conformance/VaultSuite"
 * import { it } from "vitest"
 *
 * vaultSuite({ name: "vault", test: it, driver: () => VaultDriver.make() })
 * ```
 *
 * or without a framework through {@link runVaultProperties}.
 *
 * **Details**
 *
 * - Each run gets a fresh, empty driver, sets its clock, registers four
 *   merchants with generated configurations and two groups (the groups
 *   property also puts some merchants in them), then runs the commands.
 * - Card numbers are generated canaries with known brands; NO-PAN-LEAK scans
 *   every value and error the driver gives back for them.
 * - Every property names the rule IDs it checks; a failure names the rule
 *   its broken assertion belongs to.
 *
 * @since 0.1.0
 */
import * as fc from "fast-check"
import type * as GatewayDriver from "./GatewayDriver.ts"
import * as Harness from "./Harness.ts"
import { expectOk } from "./internal/driverCall.ts"
import { type Leak, scanning } from "./internal/scanning.ts"
import * as Options from "./Options.ts"
import * as Property from "./Property.ts"
import * as A from "./vault/Arbitraries.ts"
import * as Commands from "./vault/Commands.ts"
import { addMerchant } from "./vault/commands/AddMerchantCommand.ts"
import { LeakOnlyCommand, type LeakReal } from "./vault/commands/LeakOnlyCommand.ts"
import * as Model from "./vault/Model.ts"

/**
 * The gateway suite's options.
 *
 * @category models
 * @since 0.1.0
 */
export interface VaultSuiteOptions extends Options.RunOptions {
  /** The gateway's name in titles and reports. */
  readonly name: string
  /** A fresh, empty gateway; called once per run. */
  readonly driver: () => Promise<GatewayDriver.GatewayDriver>
  /** vitest's `it` or `test` (or compatible); defaults to a global `it`. */
  readonly test?: Harness.TestFunction | undefined
  /** Per-test timeout in milliseconds (default 300 000). */
  readonly timeout?: number | undefined
}

/**
 * What the gateway properties run against.
 *
 * @category models
 * @since 0.1.0
 */
export interface Subject {
  /** The gateway's name in test titles and reports. */
  readonly name: string
  /** A fresh, empty gateway behind a driver. */
  readonly driver: () => Promise<GatewayDriver.GatewayDriver>
}

/**
 * One run's model and driver.
 *
 * @category models
 * @since 0.1.0
 */
export interface Session {
  /** The reference model the gateway's answers are compared with. */
  readonly model: Model.Model
  /** The gateway under test, through its driver. */
  readonly real: Model.Real
  /** Closes the driver. */
  readonly close: () => Promise<void>
}

/**
 * How a run starts: the instant, the canary cards, the configurations of
 * merchants m1–m4, and initial group memberships.
 *
 * @category models
 * @since 0.1.0
 */
export interface Setup {
  /** The gateway's first instant (ISO 8601, UTC), set with `setNow`. */
  readonly start: string
  /** The canary cards the run tokenizes; any of them showing up in plain text fails NO-PAN-LEAK. */
  readonly cards: ReadonlyArray<Model.Card>
  /** The configurations of merchants m1–m4, in order. */
  readonly merchants: ReadonlyArray<Omit<GatewayDriver.MerchantRequest, "merchantId">>
  /** Which merchants start in which group. */
  readonly memberships: ReadonlyArray<readonly [merchantId: string, groupId: string]>
}

const setup = (withMemberships: boolean): fc.Arbitrary<Setup> =>
  fc.record({
    start: A.start,
    cards: A.cards,
    merchants: fc.array(A.merchantConfig, { minLength: 4, maxLength: 4 }),
    memberships: withMemberships
      ? fc.uniqueArray(fc.tuple(fc.constantFrom("m1", "m2", "m3", "m4"), fc.constantFrom("g1", "g2")), {
        maxLength: 3,
        selector: ([m]) => m
      })
      : fc.constant([])
  })

const showSetup = (s: Setup): string =>
  `start ${s.start}; ${s.cards.map((c) => `${c.brand} …${c.pan.slice(-4)}${c.luhnValid ? "" : " (bad check digit)"}`).join(", ")}; ` +
  s.merchants.map((m, i) => `m${i + 1}: ${m.format}${m.tokenization ? "" : " off"} luhn=${m.luhn}${m.prefix === undefined ? "" : ` ${m.prefix}`}`)
    .join(", ") +
  (s.memberships.length === 0 ? "" : `; ${s.memberships.map(([m, g]) => `${m}∈${g}`).join(", ")}`)

/**
 * Opens a run: a fresh driver (scanned for canaries when `leaks` is given),
 * set up on both sides.
 *
 * @category constructors
 * @since 0.1.0
 */
export const open = async (
  subject: Subject,
  s: Setup,
  leaks?: Array<Leak>
): Promise<Session> => {
  const raw = await subject.driver()
  const driver = leaks === undefined ? raw : scanning(raw, s.cards.map((c) => c.pan), leaks)
  const real: Model.Real | LeakReal = leaks === undefined ? { driver } : { driver, leaks }
  const model = Model.empty(s.start, s.cards, A.ibans)
  const close = () => raw.close().catch(() => undefined)
  try {
    await expectOk(`setNow(${s.start})`, () => driver.setNow(s.start))
    for (const [i, config] of s.merchants.entries()) await addMerchant(model, real, { merchantId: `m${i + 1}`, ...config })
    for (const groupId of ["g1", "g2"]) {
      await expectOk(`createGroup(${groupId})`, () => driver.createGroup({ groupId }), ["GROUP-MEMBERSHIP"])
      model.groups.add(groupId)
    }
    for (const [merchantId, groupId] of s.memberships) {
      await expectOk(`joinGroup(${merchantId} → ${groupId})`, () => driver.joinGroup({ merchantId, groupId, withTokens: false }), [
        "GROUP-MEMBERSHIP"
      ])
      model.merchants.set(merchantId, { ...model.merchants.get(merchantId)!, groupId })
    }
  } catch (e) {
    await close()
    throw e
  }
  return { model, real, close }
}

const modelBased = (mix: Commands.Mix, options: { readonly memberships?: boolean; readonly leak?: boolean } = {}) =>
(subject: Subject, o: Options.Resolved) =>
  fc.asyncProperty(
    setup(options.memberships === true).map((s) => Object.assign(s, { [fc.toStringMethod]: () => showSetup(s) })),
    Commands.sequence(mix, o, options.leak === true ? (c) => new LeakOnlyCommand(c) : undefined),
    async (s, cmds) => {
      const session = await open(subject, s, options.leak === true ? [] : undefined)
      try {
        await fc.asyncModelRun(() => ({ model: session.model, real: session.real }), cmds)
      } finally {
        await session.close()
      }
    }
  )

/**
 * The gateway properties, in the order they run.
 *
 * @category models
 * @since 0.1.0
 */
export const properties: ReadonlyArray<Property.Property<Subject>> = [
  {
    name: "token values follow the merchant's format, are new, and never look like a card number",
    rules: [
      "FORMAT-REGISTRATION",
      "FORMAT-STANDARD",
      "FORMAT-OPAQUE",
      "TOKEN-NOT-PAN",
      "TOKEN-RANDOM",
      "MERCHANT-PREFIX",
      "MASK-BIN6-LAST4",
      "PAN-BRAND",
      "PAN-LUHN",
      "EXPIRY-END-OF-MONTH",
      "TOKENIZATION-ENABLED"
    ],
    make: modelBased(Commands.mixes.formats)
  },
  {
    name: "custom tokens: syntax with the gateway's codes, case-insensitive values, one card per value",
    rules: [
      "CUSTOM-TOKEN-LENGTH",
      "CUSTOM-TOKEN-DIGITS",
      "CUSTOM-TOKEN-CHARSET",
      "CUSTOM-TOKEN-CASE",
      "CUSTOM-TOKEN-UNIQUE",
      "FORMAT-CUSTOM",
      "REQUEST-TOKEN-SYNTAX"
    ],
    make: modelBased(Commands.mixes.custom)
  },
  {
    name: "tokenization during payment follows the outcome, and :FORCED: tokenizes regardless",
    rules: ["TOKENIZE-ON-PAYMENT", "TOKENIZE-FORCED"],
    make: modelBased(Commands.mixes.payment)
  },
  {
    name: "status, deletion, idempotency, duplicates and card-on-file uses follow the model",
    rules: [
      "STATUS-TRANSITIONS",
      "STATUS-DELETE-TWICE",
      "DELETE-IRREVERSIBLE",
      "IDEMPOTENCY",
      "DUPLICATE-CARD",
      "USE-ACTIVE",
      "USE-CARD-NOT-EXPIRED",
      "COF-MIT-AGREEMENT",
      "COF-COMBINATION"
    ],
    make: modelBased(Commands.mixes.lifecycle)
  },
  {
    name: "retention dates, extension and the purge follow the controlled clock",
    rules: ["RETENTION-CARD", "RETENTION-NON-CARD", "RETENTION-EXTEND", "RETENTION-PURGE"],
    make: modelBased(Commands.mixes.retention)
  },
  {
    name: "no merchant outside a token's scope can read, use or learn of it while groups change",
    rules: ["GROUP-ACCESS", "GROUP-MEMBERSHIP"],
    make: modelBased(Commands.mixes.groups, { memberships: true })
  },
  {
    name: "no card number appears in any response or error",
    rules: ["NO-PAN-LEAK"],
    make: modelBased(Commands.mixes.leak, { memberships: true, leak: true })
  }
]

/**
 * Runs every gateway property without a test framework and returns the
 * results; `onResult` hears each one as it finishes.
 *
 * @category running
 * @since 0.1.0
 */
export const runVaultProperties = async (
  options: VaultSuiteOptions,
  onResult?: (result: Property.Result) => void
): Promise<ReadonlyArray<Property.Result>> => {
  const resolved = Options.resolve(options)
  const subject: Subject = { name: options.name, driver: options.driver }
  const results: Array<Property.Result> = []
  for (const property of properties) {
    if (!Property.isSelected(property, resolved)) continue
    const result = typeof options.driver !== "function"
      ? Property.broken(property, resolved.seed, "driver must be a function")
      : await Property.check(property, subject, resolved)
    results.push(result)
    onResult?.(result)
    if (resolved.bail && result.status === "failed") break
  }
  return results
}

/**
 * Registers one test per gateway property with the caller's `test`
 * function.
 *
 * @category running
 * @since 0.1.0
 */
export const vaultSuite = (options: VaultSuiteOptions): void => {
  const test = Harness.resolveTest(options.test)
  const resolved = Options.resolve(options)
  const subject: Subject = { name: options.name, driver: options.driver }
  for (const property of properties) {
    if (!Property.isSelected(property, resolved)) continue
    test(Harness.title(options.name, property), async (context) => {
      Harness.settle(options.name, await Property.check(property, subject, resolved), context)
    }, options.timeout ?? 300_000)
  }
}
