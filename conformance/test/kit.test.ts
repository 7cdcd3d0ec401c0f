/**
 * The kit's own mechanics: the manifest gate, capability gating, replaying
 * a failure from its seed, path and replay path, the per-rule report, the
 * options read from the environment, and the canary scan.
 */
import { Rules } from "@tokenvault/core"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import { afterEach, assert, it } from "vitest"
import * as Canary from "../src/Canary.ts"
import * as Options from "../src/Options.ts"
import * as Property from "../src/Property.ts"
import * as Runner from "../src/Runner.ts"
import { properties as storeProperties, runStoreProperties } from "../src/StoreSuite.ts"
import { properties as vaultProperties } from "../src/VaultSuite.ts"
import * as S from "./mutants/storeMutants.ts"

const env = { ...process.env }
afterEach(() => {
  process.env = { ...env }
})

it("every property names known rule IDs, and every store obligation is covered [IDEMPOTENCY] [DELETE-IRREVERSIBLE] [DUPLICATE-CARD] [GROUP-ACCESS] [GROUP-MEMBERSHIP] [RETENTION-PURGE]", () => {
  const known = new Set(Rules.all.map((r) => r.id))
  for (const p of [...storeProperties, ...vaultProperties]) {
    assert.isAbove(p.rules.length, 0, p.name)
    for (const id of p.rules) assert.isTrue(known.has(id), `${p.name} names ${id}`)
  }
  const storeRules = new Set(storeProperties.flatMap((p) => p.rules))
  for (const id of ["IDEMPOTENCY", "DELETE-IRREVERSIBLE", "DUPLICATE-CARD", "GROUP-ACCESS", "GROUP-MEMBERSHIP", "RETENTION-PURGE"]) {
    assert.isTrue(storeRules.has(id), id)
  }
})

it("an invalid capabilities manifest fails every property before any run [GROUP-ACCESS] [IDEMPOTENCY]", async () => {
  const results = await runStoreProperties({
    name: "bad manifest",
    numRuns: 5,
    factory: async () => ({ ...MemoryTokenStore.make(), capabilities: { name: "bad", durable: false, durability: "fsync", maxPageSize: 0, multiProcess: false } })
  })
  assert.strictEqual(results.length, storeProperties.length)
  for (const r of results) {
    assert.strictEqual(r.status, "failed")
    assert.strictEqual(r.runs, 0)
    assert.include(r.error, "invalid capabilities manifest")
  }
})

it("a durable store without reopen is refused, and durability is skipped for a store that is not durable [IDEMPOTENCY]", async () => {
  const durableWithoutReopen = await runStoreProperties({
    name: "durable, no reopen",
    numRuns: 5,
    factory: async () => ({ ...MemoryTokenStore.make(), capabilities: { name: "d", durable: true, durability: "fsync", maxPageSize: 10, multiProcess: false } })
  })
  assert.isTrue(durableWithoutReopen.every((r) => r.status === "failed" && r.error?.includes("reopen") === true))
  const memory = await runStoreProperties({ name: "memory", numRuns: 5, factory: async () => MemoryTokenStore.make() })
  assert.deepStrictEqual(memory.map((r) => r.status), ["passed", "passed", "passed", "passed", "skipped"])
})

it("a failure prints its seed, path and replay path, and replays from them at once [DELETE-IRREVERSIBLE]", async () => {
  const target = S.forgetsTombstone.target
  if (target.kind !== "store") throw new Error("a store mutant")
  const first = await runStoreProperties({ name: target.name, factory: target.factory, seed: 7, property: "records" })
  const failure = first[0]!
  assert.strictEqual(failure.status, "failed")
  assert.isDefined(failure.path)
  assert.isDefined(failure.replayPath)
  assert.isDefined(failure.counterexample)
  const printed = Property.formatFailure("forgets-tombstone", failure)
  for (const part of [`seed: ${failure.seed}`, failure.path!, failure.replayPath!, "TOKENVAULT_CONFORMANCE_SEED="]) assert.include(printed, part)
  process.env["TOKENVAULT_CONFORMANCE_SEED"] = String(failure.seed)
  process.env["TOKENVAULT_CONFORMANCE_PATH"] = failure.path!
  process.env["TOKENVAULT_CONFORMANCE_REPLAY_PATH"] = failure.replayPath!
  process.env["TOKENVAULT_CONFORMANCE_PROPERTY"] = failure.name
  const replayed = await runStoreProperties({ name: target.name, factory: target.factory })
  assert.strictEqual(replayed.length, 1)
  assert.strictEqual(replayed[0]!.status, "failed")
  assert.strictEqual(replayed[0]!.runs, 1)
  assert.strictEqual(replayed[0]!.counterexample, failure.counterexample)
  assert.strictEqual(replayed[0]!.error, failure.error)
})

it("the runner reports per rule with the contract version, runs and a counterexample [DELETE-IRREVERSIBLE] [GROUP-ACCESS]", async () => {
  const [ok, broken] = await Runner.run({
    targets: [{ name: "memory", kind: "store", factory: async () => MemoryTokenStore.make() }, S.forgetsTombstone.target],
    runs: 20,
    seed: 11
  })
  assert.strictEqual(ok!.version, Runner.CONTRACT_VERSION)
  assert.strictEqual(ok!.target, "memory")
  assert.strictEqual(ok!.seed, 11)
  assert.strictEqual(ok!.failed, 0)
  assert.strictEqual(ok!.passed, ok!.rules.length)
  for (const rule of ok!.rules) {
    assert.strictEqual(rule.statement, Rules.get(rule.id)!.statement)
    assert.isAbove(rule.source.length, 0)
    assert.isAbove(rule.properties.length, 0)
    assert.isAbove(rule.runs, 0)
    assert.isUndefined(rule.counterexample)
  }
  const deleted = broken!.rules.find((r) => r.id === "DELETE-IRREVERSIBLE")!
  assert.isFalse(deleted.passed)
  assert.include(deleted.counterexample, "TOKENVAULT_CONFORMANCE_SEED=")
  const table = Runner.formatReport(broken!)
  assert.include(table, "DELETE-IRREVERSIBLE")
  assert.include(table, "FAIL")
  assert.include(table, `${broken!.failed} failed`)
  assert.doesNotThrow(() => JSON.parse(JSON.stringify([ok, broken])))
})

it("options come from the caller, then the environment, then the default budget [IDEMPOTENCY]", () => {
  delete process.env["FC_SEED"]
  delete process.env["FC_NUM_RUNS"]
  assert.strictEqual(Options.resolve().numRuns, Options.defaults.numRuns)
  assert.strictEqual(Options.resolve().maxCommands, Options.defaults.maxCommands)
  process.env["FC_SEED"] = "42"
  process.env["FC_NUM_RUNS"] = "7"
  assert.strictEqual(Options.resolve().seed, 42)
  assert.strictEqual(Options.resolve().numRuns, 7)
  process.env["TOKENVAULT_CONFORMANCE_SEED"] = "43"
  process.env["TOKENVAULT_CONFORMANCE_RUNS"] = "9"
  process.env["TOKENVAULT_CONFORMANCE_PATH"] = "3:1"
  const resolved = Options.resolve()
  assert.deepStrictEqual([resolved.seed, resolved.numRuns, resolved.path], [43, 9, "3:1"])
  assert.strictEqual(Options.resolve({ seed: 1, numRuns: 2 }).seed, 1)
  process.env["TOKENVAULT_CONFORMANCE_RUNS"] = "many"
  assert.throws(() => Options.resolve(), TypeError)
})

it("the canary scan finds a card number as digits, spaced, dashed, hex and base64 at any offset, and not its mask [NO-PAN-LEAK]", () => {
  const pan = "4111111111111111"
  const forms = (where: string) => Canary.scan(where, [pan]).map((h) => h.form)
  assert.deepStrictEqual(forms(`x${pan}y`), ["digits"])
  assert.deepStrictEqual(forms("card 4111 1111 1111 1111 refused"), ["spaced"])
  assert.deepStrictEqual(forms("4111-1111-1111-1111"), ["dashed"])
  assert.deepStrictEqual(forms(Buffer.from(pan).toString("hex")), ["hex"])
  for (const prefix of ["", "C:", "PAN="]) {
    assert.include(forms(Buffer.from(prefix + pan).toString("base64")), "base64", prefix)
  }
  assert.deepStrictEqual(forms("411111••••••1111 41XXXX7K3Q9Z1111"), [])
  const err = Object.assign(new Error("refused"), { cause: new Error(`bad ${pan}`) })
  assert.deepStrictEqual(Canary.scanValue(err, [pan]).map((h) => h.where), ["message (cause 1)", "stack (cause 1)"])
})
