/**
 * End-to-end tests of the `tokenvault` command: each spawns
 * `node --import tsx packages/cli/src/bin.ts …` against a real vault
 * directory (mkdtemp), with `--now` controlling time. Tests run concurrently
 * (each on its own directory) and batch their assertions, since every spawn
 * costs about a second.
 */
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { availableParallelism, tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { CompactEncrypt, importJWK } from "jose"
import { afterAll, describe, expect, it } from "vitest"

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..")
const BIN = join(ROOT, "packages/cli/src/bin.ts")

const PAN = "4111111111111111"
const PAN2 = "5555555555554444"
const PAN3 = "4012888888881881"
const NOW = "2026-01-15T10:00:00Z"

const TOKEN_KEYS = [
  "brand",
  "customerId",
  "expiryMonth",
  "expiryYear",
  "format",
  "maskedPan",
  "merchantId",
  "retainUntil",
  "status",
  "token"
]

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const dirs: Array<string> = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), "tokenvault-cli-"))
  dirs.push(d)
  return d
}

// Every spawn is CPU-bound (tsx + effect load): run at most a few at once, whatever the test concurrency.
const MAX_SPAWNS = Math.max(2, Math.min(4, availableParallelism()))
let running = 0
const waiting: Array<() => void> = []
const limited = async <A>(f: () => Promise<A>): Promise<A> => {
  if (running >= MAX_SPAWNS) await new Promise<void>((r) => waiting.push(r))
  running++
  try {
    return await f()
  } finally {
    running--
    waiting.shift()?.()
  }
}

const TIMEOUT = 600_000

const run = (args: ReadonlyArray<string>, options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> =>
  limited(() => spawnCli(args, options))

const spawnCli = (args: ReadonlyArray<string>, options: { stdin?: string; env?: Record<string, string> }): Promise<Run> =>
  new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", TOKENVAULT_DIR: "", TOKENVAULT_STORE: "", ...options.env },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (b) => (stdout += String(b)))
    child.stderr.on("data", (b) => (stderr += String(b)))
    child.on("error", reject)
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }))
    child.stdin.end(options.stdin ?? "")
  })

/** A vault CLI bound to one directory, always with `--json` and a fixed `--now`. */
const vaultCli = (dir: string, now = NOW) => {
  const call = (args: ReadonlyArray<string>, options: { stdin?: string; now?: string } = {}) =>
    run(["--vault", dir, "--json", "--now", options.now ?? now, ...args], options)
  /** Runs and expects success; returns the parsed JSON document. */
  const ok = async (args: ReadonlyArray<string>, options: { stdin?: string; now?: string } = {}): Promise<any> => {
    const r = await call(args, options)
    if (r.code !== 0) throw new Error(`tokenvault ${args.join(" ")} exited ${r.code}: ${r.stderr}`)
    return JSON.parse(r.stdout)
  }
  /** Runs and expects failure with `exit`; returns the parsed error. */
  const fail = async (
    args: ReadonlyArray<string>,
    exit: number,
    options: { stdin?: string; now?: string } = {}
  ): Promise<{ code: string; gatewayCode: string | null; message: string }> => {
    const r = await call(args, options)
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(exit)
    expect(r.stdout).toBe("")
    const parsed = JSON.parse(r.stderr)
    expect(Object.keys(parsed)).toEqual(["error"])
    expect(Object.keys(parsed.error).sort()).toEqual(["code", "gatewayCode", "message"])
    return parsed.error
  }
  return { call, ok, fail }
}

const newVault = async (now = NOW) => {
  const dir = tempDir()
  const cli = vaultCli(dir, now)
  await cli.ok(["init"])
  return { dir, ...cli }
}

const expectTokenShape = (t: any) => {
  expect(Object.keys(t).sort()).toEqual(TOKEN_KEYS)
  // A tombstone (DELETED) keeps no card data: its expiry is null.
  if (t.status !== "DELETED" || t.expiryMonth !== null) {
    expect(typeof t.expiryMonth).toBe("number")
    expect(t.expiryYear).toBeGreaterThanOrEqual(1000)
    expect(t.expiryYear).toBeLessThan(10000)
  }
  expect(t.retainUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/)
  expect(JSON.stringify(t)).not.toContain(PAN)
}

const filesUnder = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? filesUnder(p) : [p]
  })

describe.concurrent("tokenvault CLI", { timeout: TIMEOUT }, () => {
  it("[NO-PAN-LEAK] a card number on argv is refused (exit 2) without being echoed", async () => {
    const dir = tempDir()
    const attempts: ReadonlyArray<ReadonlyArray<string>> = [
      ["--vault", dir, "--json", "tokenize", "--merchant", "m1", "--customer", PAN, "--expiry", "12/30"],
      ["--vault", dir, "tokenize", "--merchant", "m1", "--expiry", "12/30", PAN],
      ["--json", `--vault=${dir}`, "list", "--merchant", "m1", `--customer=pan:${PAN2.replace(/(\d{4})(?=\d)/g, "$1 ")}`]
    ]
    const results = await Promise.all(attempts.map((a) => run(a)))
    for (const r of results) {
      expect(r.code).toBe(2)
      expect(r.stdout).toBe("")
      for (const pan of [PAN, PAN2]) {
        expect(r.stderr).not.toContain(pan)
        expect(r.stderr).not.toContain(pan.slice(0, 12))
      }
    }
    expect(JSON.parse(results[0]!.stderr).error).toMatchObject({ code: "USAGE", gatewayCode: null })
    expect(results[1]!.stderr).toMatch(/card number/)
  })

  it("[NO-PAN-LEAK] [TOKEN-NOT-PAN] [MASK-BIN6-LAST4] init, merchant add, tokenize from stdin: exact JSON shapes, no PAN anywhere", async () => {
    const { dir, ok, fail, call } = await newVault()
    expect((await fail(["init"], 1)).code).toBe("VAULT_EXISTS")

    const m1 = await ok(["merchant", "add", "m1"])
    expect(Object.keys(m1).sort()).toEqual(["format", "merchantId", "prefix"])
    expect(m1).toMatchObject({ merchantId: "m1", format: "opaque" })
    expect(m1.prefix).toMatch(/^[A-Z0-9]{4}$/)
    const m2 = await ok(["merchant", "add", "m2", "--prefix", "AB12", "--format", "standard"])
    expect(m2).toEqual({ merchantId: "m2", prefix: "AB12", format: "standard" })
    expect((await fail(["merchant", "add", "m3", "--prefix", "AB12"], 1)).code).toBe("PREFIX_TAKEN")

    const t = await ok(["tokenize", "--merchant", "m1", "--customer", "c1", "--expiry", "12/30"], { stdin: `${PAN}\n` })
    expectTokenShape(t)
    expect(t).toMatchObject({
      merchantId: "m1",
      customerId: "c1",
      brand: "VISA",
      expiryMonth: 12,
      expiryYear: 2030,
      status: "ACTIVE",
      format: "opaque"
    })
    expect(t.maskedPan.startsWith("411111")).toBe(true)
    expect(t.maskedPan.endsWith("1111")).toBe(true)
    const std = await ok(["tokenize", "--merchant", "m2", "--expiry", "11/29"], { stdin: PAN2 })
    expectTokenShape(std)
    expect(std.customerId).toBeNull()
    expect(std.format).toBe("standard")

    // show / list: same shape; list is an array of them
    expect(await ok(["show", t.token, "--merchant", "m1"])).toEqual(t)
    const list = await ok(["list", "--merchant", "m1"])
    expect(list).toEqual([t])
    expect(await ok(["list", "--merchant", "m1", "--customer", "c1"])).toEqual([t])
    // another merchant does not see the token (same error as absent)
    expect(await fail(["show", t.token, "--merchant", "m2"], 1)).toMatchObject({ code: "TOKEN_NOT_FOUND" })

    // use: {token, transactionId} and never the PAN
    const use = await call(["use", t.token, "--merchant", "m1", "--source", "CIT", "--mode", "INITIAL", "--type", "RECURRING"])
    expect(use.code).toBe(0)
    const used = JSON.parse(use.stdout)
    expect(Object.keys(used).sort()).toEqual(["token", "transactionId"])
    expect(used.token).toBe(t.token)
    expect(use.stdout + use.stderr).not.toContain(PAN)
    const mit = await ok([
      "use",
      t.token,
      "--merchant",
      "m1",
      "--source",
      "MIT",
      "--mode",
      "REPEATED",
      "--type",
      "RECURRING",
      "--initial-transaction-id",
      used.transactionId
    ])
    expect(Object.keys(mit).sort()).toEqual(["token", "transactionId"])
    expect(await fail(["use", t.token, "--merchant", "m1", "--source", "MIT", "--mode", "REPEATED", "--type", "INSTALLMENT"], 1))
      .toMatchObject({ code: "COF_NO_AGREEMENT", gatewayCode: "100.150.300" })

    // Nothing in the vault directory holds the PAN in clear.
    for (const file of filesUnder(dir)) {
      const bytes = readFileSync(file).toString("latin1")
      expect(bytes, file).not.toContain(PAN)
      expect(bytes, file).not.toContain(PAN2)
    }
  })

  it("[IDEMPOTENCY] [DUPLICATE-CARD] tokenize with --request-id returns the same token; another payload is a conflict", async () => {
    const { ok, fail } = await newVault()
    await ok(["merchant", "add", "m1"])
    const args = ["tokenize", "--merchant", "m1", "--customer", "c1", "--expiry", "12/30", "--request-id", "req-1"]
    const first = await ok(args, { stdin: PAN })
    const again = await ok(args, { stdin: PAN })
    expect(again).toEqual(first)
    const conflict = await fail(["tokenize", "--merchant", "m1", "--customer", "c1", "--expiry", "12/30", "--request-id", "req-1"], 1, {
      stdin: PAN2
    })
    expect(conflict.code).toBe("IDEMPOTENCY_CONFLICT")
    // The same card for the same customer without a request id: the existing ACTIVE token.
    const dup = await ok(["tokenize", "--merchant", "m1", "--customer", "c1", "--expiry", "12/30"], { stdin: PAN })
    expect(dup.token).toBe(first.token)
  })

  it("[CUSTOM-TOKEN-UNIQUE] [CUSTOM-TOKEN-LENGTH] [TOKENIZE-FORCED] --request-token: MASKEDPAN, custom values, 1160 and 1163", async () => {
    const { ok, fail } = await newVault()
    await ok(["merchant", "add", "m1", "--prefix", "SHOP"])
    const base = ["tokenize", "--merchant", "m1", "--expiry", "12/30"]
    const custom = await ok([...base, "--customer", "c1", "--request-token", "my_token_01"], { stdin: PAN })
    expectTokenShape(custom)
    expect(custom).toMatchObject({ token: "SHOPMY_TOKEN_01", format: "custom" })
    const taken = await fail([...base, "--customer", "c2", "--request-token", "my_token_01"], 1, { stdin: PAN2 })
    expect(taken).toMatchObject({ code: "CUSTOM_TOKEN_TAKEN", gatewayCode: "1163" })
    const short = await fail([...base, "--customer", "c2", "--request-token", "short"], 1, { stdin: PAN2 })
    expect(short).toMatchObject({ code: "CUSTOM_TOKEN_INVALID", gatewayCode: "1160" })
    const masked = await ok([...base, "--customer", "c3", "--request-token", ":FORCED:MASKEDPAN"], { stdin: PAN3 })
    expectTokenShape(masked)
    expect(masked.format).toBe("standard")
  })

  it("[STATUS-TRANSITIONS] [STATUS-DELETE-TWICE] [DELETE-IRREVERSIBLE] [USE-ACTIVE] [RETENTION-EXTEND] status, delete, extend, update-expiry", async () => {
    const { ok, fail } = await newVault()
    await ok(["merchant", "add", "m1"])
    const t = await ok(["tokenize", "--merchant", "m1", "--customer", "c1", "--expiry", "12/30"], { stdin: PAN })
    const suspended = await ok(["status", t.token, "SUSPENDED", "--merchant", "m1"])
    expectTokenShape(suspended)
    expect(suspended.status).toBe("SUSPENDED")
    expect(
      (await fail(["use", t.token, "--merchant", "m1", "--source", "CIT", "--mode", "INITIAL", "--type", "UNSCHEDULED"], 1)).code
    ).toBe("TOKEN_SUSPENDED")
    expect((await ok(["status", t.token, "ACTIVE", "--merchant", "m1"])).status).toBe("ACTIVE")

    const updated = await ok(["update-expiry", t.token, "--merchant", "m1", "--expiry", "06/31"])
    expectTokenShape(updated)
    expect(updated).toMatchObject({ expiryMonth: 6, expiryYear: 2031 })
    expect(updated.retainUntil > t.retainUntil).toBe(true)
    expect((await fail(["update-expiry", t.token, "--merchant", "m1", "--expiry", "13/31"], 1)).code).toMatch(/^EXPIRY_/)

    const extended = await ok(["extend", t.token, "--merchant", "m1"])
    expectTokenShape(extended)
    expect(extended.retainUntil >= updated.retainUntil).toBe(true)

    const deleted = await ok(["delete", t.token, "--merchant", "m1"])
    expectTokenShape(deleted)
    expect(deleted.status).toBe("DELETED")
    expect(await fail(["delete", t.token, "--merchant", "m1"], 1)).toMatchObject({
      code: "TOKEN_ALREADY_DELETED",
      gatewayCode: "100.350.303"
    })
    expect(await fail(["use", t.token, "--merchant", "m1", "--source", "CIT", "--mode", "INITIAL", "--type", "UNSCHEDULED"], 1))
      .toMatchObject({ code: "TOKEN_DELETED", gatewayCode: "100.150.202" })
    expect((await fail(["status", t.token, "ACTIVE", "--merchant", "m1"], 1)).code).toBe("ILLEGAL_TRANSITION")
  })

  it("[GROUP-ACCESS] [GROUP-MEMBERSHIP] group create, join --with-tokens, leave --take-tokens", async () => {
    const { ok, fail } = await newVault()
    await ok(["merchant", "add", "a"])
    await ok(["merchant", "add", "b"])
    const t = await ok(["tokenize", "--merchant", "a", "--customer", "c1", "--expiry", "12/30"], { stdin: PAN })
    expect(await ok(["group", "create", "g1"])).toEqual({ groupId: "g1" })
    expect((await fail(["group", "create", "g1"], 1)).code).toBe("GROUP_EXISTS")
    expect(await ok(["group", "join", "g1", "--merchant", "a", "--with-tokens"])).toEqual({ groupId: "g1", merchantId: "a", moved: 1 })
    expect(await ok(["group", "join", "g1", "--merchant", "b"])).toEqual({ groupId: "g1", merchantId: "b", moved: 0 })
    // b now sees a's token through the group
    expect((await ok(["show", t.token, "--merchant", "b"])).token).toBe(t.token)
    expect(await ok(["group", "leave", "g1", "--merchant", "a", "--take-tokens"])).toEqual({ groupId: "g1", merchantId: "a", moved: 1 })
    expect((await fail(["show", t.token, "--merchant", "b"], 1)).code).toBe("TOKEN_NOT_FOUND")
  })

  it("[RETENTION-CARD] [RETENTION-PURGE] sweep purges nothing today and the expired tokens once --now passes retention", async () => {
    const { ok, fail, call } = await newVault("2026-01-15")
    await ok(["merchant", "add", "m1"])
    const soon = await ok(["tokenize", "--merchant", "m1", "--customer", "c1", "--expiry", "02/26"], { stdin: PAN })
    const later = await ok(["tokenize", "--merchant", "m1", "--customer", "c3", "--expiry", "12/35"], { stdin: PAN3 })
    expect(await ok(["sweep"])).toEqual({ purged: 0 })
    const after = soon.retainUntil
    expect(later.retainUntil > after).toBe(true)
    const swept = await call(["sweep"], { now: `${after}T12:00:00Z` })
    expect(swept.code).toBe(0)
    expect(JSON.parse(swept.stdout)).toEqual({ purged: 1 })
    const gone = await ok(["show", soon.token, "--merchant", "m1"], { now: `${after}T12:00:00Z` })
    expect(gone.status).toBe("DELETED")
    expect(
      await fail(["use", soon.token, "--merchant", "m1", "--source", "CIT", "--mode", "INITIAL", "--type", "UNSCHEDULED"], 1, {
        now: `${after}T12:00:00Z`
      })
    ).toMatchObject({ code: "RETENTION_EXPIRED", gatewayCode: "100.150.206" })
    expect((await ok(["show", later.token, "--merchant", "m1"], { now: `${after}T12:00:00Z` })).status).toBe("ACTIVE")
  })

  it("[KEY-ROTATION-LIMIT] [KEY-RETIRED-NEVER-ENCRYPTS] keys status, rotate, rewrap; compact; tokens still open", async () => {
    const { ok } = await newVault()
    await ok(["merchant", "add", "m1"])
    const t = await ok(["tokenize", "--merchant", "m1", "--customer", "c1", "--expiry", "12/30"], { stdin: PAN })
    const rotated = await ok(["keys", "rotate"])
    expect(rotated.activeVersion).toBe(2)
    const status = await ok(["keys", "status"])
    expect(status.activeVersion).toBe(2)
    expect(JSON.stringify(status)).not.toMatch(/"key"|material|"d"/)
    expect(status.versions.map((v: any) => [v.version, v.state])).toEqual([[1, "decrypt-only"], [2, "active"]])
    const rewrap = await ok(["keys", "rewrap"])
    expect(rewrap).toMatchObject({ targetVersion: 2, rewrapped: 1, remaining: 0 })
    const compacted = await ok(["compact"])
    expect(compacted.records).toBe(1)
    expect(typeof compacted.bytesAfter).toBe("number")
    // The token still decrypts after rotate + rewrap + compact.
    const used = await ok(["use", t.token, "--merchant", "m1", "--source", "CIT", "--mode", "INITIAL", "--type", "UNSCHEDULED"])
    expect(used.token).toBe(t.token)
  })

  it("[JWE-ALGORITHMS] public-key and tokenize-encrypted (ECDH-ES+A256KW / A256GCM, P-384)", async () => {
    const { ok, fail } = await newVault()
    await ok(["merchant", "add", "m1"])
    expect((await fail(["public-key", "--merchant", "nope"], 1)).code).toBe("MERCHANT_UNKNOWN")
    const jwk = await ok(["public-key", "--merchant", "m1"])
    expect(jwk).toMatchObject({ kty: "EC", crv: "P-384", alg: "ECDH-ES+A256KW" })
    expect(jwk.d).toBeUndefined()
    const key = await importJWK(jwk, "ECDH-ES+A256KW")
    const encrypt = (text: string) =>
      new CompactEncrypt(new TextEncoder().encode(text))
        .setProtectedHeader({ alg: "ECDH-ES+A256KW", enc: "A256GCM", kid: jwk.kid })
        .encrypt(key)
    const card = await encrypt(PAN)
    const exp = await encrypt("3012")
    const args = ["tokenize-encrypted", "--merchant", "m1", "--customer", "c1", "--request-id", "r-1", "--card", card, "--exp-date", exp]
    const t = await ok(args)
    expectTokenShape(t)
    expect(t).toMatchObject({ merchantId: "m1", customerId: "c1", expiryMonth: 12, expiryYear: 2030, status: "ACTIVE" })
    expect(await ok(args)).toEqual(t)
    const bad = await fail([...args.slice(0, -4), "--card", "not.a.jwe", "--exp-date", exp], 1)
    expect(bad.code).toBe("JWE_MALFORMED")
  })

  it("usage errors exit 2 with a JSON error and nothing on stdout; rule rejections exit 1", async () => {
    const { dir, ok, fail } = await newVault()
    await ok(["merchant", "add", "m1"])
    const usage = await Promise.all([
      fail(["bogus"], 2),
      fail(["tokenize", "--customer", "c1", "--expiry", "12/30"], 2, { stdin: PAN }),
      fail(["status", "tok", "FROZEN", "--merchant", "m1"], 2),
      fail(["tokenize", "--merchant", "m1", "--expiry", "12/30"], 2, { stdin: "" }),
      fail(["list", "--merchant", "m1"], 2, { now: "yesterday" }),
      fail([], 2),
      fail(["group"], 2),
      fail(["--wizard"], 2)
    ])
    for (const e of usage) expect(e).toMatchObject({ code: "USAGE", gatewayCode: null })
    // One after another: each opens the vault's store, which has a single writer (a concurrent one is STORE_LOCKED).
    const rejected = [
      await fail(["tokenize", "--merchant", "m1", "--expiry", "12/30"], 1, { stdin: "4111111111111112" }),
      await fail(["tokenize", "--merchant", "m1", "--expiry", "01/20"], 1, { stdin: PAN }),
      await fail(["show", "!!", "--merchant", "m1"], 1)
    ]
    expect(rejected.map((e) => e.code)).toEqual(["PAN_LUHN_FAILED", "CARD_EXPIRED", "TOKEN_MALFORMED"])
    expect(rejected[2]!.gatewayCode).toBe("100.150.101")
    const missing = await run(["--vault", join(dir, "nope"), "--json", "list", "--merchant", "m1"])
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.stderr).error.code).toBe("VAULT_NOT_FOUND")
  })

  it("global options after the subcommand, $TOKENVAULT_DIR, and plain human output off a TTY", async () => {
    const dir = tempDir()
    const env = { TOKENVAULT_DIR: dir }
    const init = await run(["init"], { env })
    expect(init.code).toBe(0)
    expect(init.stdout).toContain(dir)
    const added = await run(["merchant", "add", "m1", "--json", "--now", NOW], { env })
    expect(JSON.parse(added.stdout).merchantId).toBe("m1")
    const tokenized = await run(["tokenize", "--merchant", "m1", "--customer", "c1", "--expiry", "12/30"], { env, stdin: PAN })
    expect(tokenized.code).toBe(0)
    expect(tokenized.stdout).toMatch(/token\s+\S+/)
    expect(tokenized.stdout).toMatch(/status\s+ACTIVE/)
    const listed = await run(["list", "--merchant", "m1", "--vault", dir], { env: { FORCE_COLOR: "0" } })
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^TOKEN\s+CUSTOMER\s+CARD/)
    expect(listed.stdout).not.toContain("\u001b[")
    expect(listed.stdout).not.toContain(PAN)
    const failed = await run(["show", "nope-nope-nope", "--merchant", "m1"], { env })
    expect(failed.code).toBe(1)
    expect(failed.stdout).toBe("")
    expect(failed.stderr).toMatch(/^error TOKEN_/)
  })

  it("[NO-PAN-LEAK] [DUPLICATE-CARD] conformance: a small run prints a per-rule report, --report writes it, exit 0 when all pass", async () => {
    const dir = tempDir()
    const reportFile = join(dir, "report.json")
    const r = await run([
      "--json",
      "conformance",
      "--target",
      "vault",
      "--target",
      "packages/cli/test/fixtures/memoryTarget.ts",
      "--runs",
      "2",
      "--seed",
      "42",
      "--report",
      reportFile
    ])
    expect(r.code, r.stderr).toBe(0)
    const printed = JSON.parse(r.stdout)
    const written = JSON.parse(readFileSync(reportFile, "utf8"))
    expect(written).toEqual(printed)
    expect(written.map((x: any) => x.target)).toEqual(["vault", "memory-module"])
    for (const report of written) {
      expect(Object.keys(report).sort()).toEqual(["failed", "passed", "rules", "seed", "target", "version"])
      expect(report).toMatchObject({ seed: 42, failed: 0 })
      expect(report.rules.length).toBeGreaterThan(0)
      expect(report.passed).toBe(report.rules.length)
      for (const rule of report.rules) {
        expect(Object.keys(rule).sort()).toEqual(["id", "passed", "properties", "runs", "source", "statement"])
        expect(rule.passed).toBe(true)
        expect(rule.statement).not.toBe("")
      }
    }
    expect(written[0].rules.map((x: any) => x.id)).toContain("NO-PAN-LEAK")
    expect(written[1].rules.map((x: any) => x.id)).toContain("DUPLICATE-CARD")
    const human = await run(["conformance", "--target", "file", "--runs", "2", "--seed", "7"])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/— file \(seed 7\)/)
    expect(human.stdout).toMatch(/DUPLICATE-CARD +\d+ +pass/)
    expect(human.stdout).toMatch(/All rules pass\./)
    const unknown = await run(["--json", "conformance", "--target", "./no/such/module.ts"])
    expect(unknown.code).toBe(2)
    expect(JSON.parse(unknown.stderr).error.code).toBe("USAGE")
  })
})
