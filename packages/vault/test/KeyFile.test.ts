/**
 * The key file's storage and KEK handling: atomic replacement with mode
 * 0600, refusal of readable-by-others files, typed errors that carry no key
 * bytes, and the `TOKENVAULT_KEK` format.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inspect } from "node:util"
import { Effect, Exit, Redacted, Result } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import * as KeyFile from "../src/KeyFile.ts"
import * as Keyring from "../src/Keyring.ts"

const dirs: Array<string> = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "tokenvault-keyfile-"))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const reasonOf = <A>(r: Result.Result<A, KeyFile.KeyFileError>): string => {
  if (Result.isSuccess(r)) throw new Error("expected a failure")
  expect(r.failure._tag).toBe("KeyFileError")
  return r.failure.reason._tag
}

const POSIX = process.platform !== "win32"

describe("KeyFile", () => {
  it("[NO-PAN-LEAK] writes atomically: mode 0600 in a 0700 directory, no temporary file left, content replaced whole", () => {
    const dir = join(tmp(), "nested", "vault")
    const storage = KeyFile.fileStorage(dir)
    expect(Result.getOrThrow(storage.read())).toBeUndefined()
    Result.getOrThrow(storage.write("first"))
    Result.getOrThrow(storage.write("second"))
    expect(readdirSync(dir)).toEqual([KeyFile.fileName])
    expect(Result.getOrThrow(storage.read())).toBe("second")
    if (POSIX) {
      expect(statSync(join(dir, KeyFile.fileName)).mode & 0o777).toBe(0o600)
      expect(statSync(dir).mode & 0o777).toBe(0o700)
    }
  })

  it("[NO-PAN-LEAK] a write interrupted before its rename leaves the old file; the next write removes the stale temporary file", () => {
    const dir = tmp()
    const storage = KeyFile.fileStorage(dir)
    Result.getOrThrow(storage.write("old"))
    // What a crash between "write tmp" and "rename" leaves behind.
    const stale = join(dir, `.${KeyFile.fileName}.4242.0123456789ab.tmp`)
    writeFileSync(stale, "half-written new", { mode: 0o600 })
    expect(Result.getOrThrow(storage.read())).toBe("old")
    Result.getOrThrow(storage.write("new"))
    expect(existsSync(stale)).toBe(false)
    expect(readFileSync(join(dir, KeyFile.fileName), "utf8")).toBe("new")
  })

  it.skipIf(!POSIX)("[NO-PAN-LEAK] refuses a key file that group or others can read (Insecure)", () => {
    const dir = tmp()
    const storage = KeyFile.fileStorage(dir)
    Result.getOrThrow(storage.write("x"))
    chmodSync(join(dir, KeyFile.fileName), 0o644)
    expect(reasonOf(storage.read())).toBe("Insecure")
    chmodSync(join(dir, KeyFile.fileName), 0o600)
    expect(Result.getOrThrow(storage.read())).toBe("x")
  })

  it("[NO-PAN-LEAK] file-system failures are typed Io errors, and a failed replace keeps the old state", () => {
    const parent = tmp()
    const notADir = join(parent, "file")
    writeFileSync(notADir, "")
    expect(reasonOf(KeyFile.fileStorage(notADir).write("x"))).toBe("Io")
    // keys.json is a non-empty directory: rename fails, nothing is left behind.
    const dir = tmp()
    mkdirSync(join(dir, KeyFile.fileName))
    writeFileSync(join(dir, KeyFile.fileName, "keep"), "")
    const storage = KeyFile.fileStorage(dir)
    expect(reasonOf(storage.write("x"))).toBe("Io")
    expect(readdirSync(dir)).toEqual([KeyFile.fileName])
    expect(["Corrupt", "Io"]).toContain(reasonOf(storage.read()))
  })

  it("[NO-PAN-LEAK] TOKENVAULT_KEK must be 32 bytes of base64url; the decoded KEK never prints", () => {
    expect(Result.getOrThrow(KeyFile.kekFromEnv({}))).toBeUndefined()
    expect(Result.getOrThrow(KeyFile.kekFromEnv({ TOKENVAULT_KEK: "  " }))).toBeUndefined()
    const text = Redacted.value(KeyFile.generateKek())
    const kek = Result.getOrThrow(KeyFile.kekFromEnv({ TOKENVAULT_KEK: text }))!
    expect(Redacted.value(kek)).toHaveLength(32)
    for (const bad of [text.slice(1), text + "A", Buffer.from(text, "base64url").toString("base64"), Buffer.from(text, "base64url").toString("hex"), "x".repeat(43) + "="]) {
      const r = KeyFile.kekFromEnv({ TOKENVAULT_KEK: bad })
      expect(reasonOf(r)).toBe("KekInvalid")
      if (Result.isFailure(r)) {
        for (const out of [JSON.stringify(r.failure), inspect(r.failure, { depth: 10 }), r.failure.message]) expect(out).not.toContain(bad)
      }
    }
    const hex = Buffer.from(Redacted.value(kek)).toString("hex")
    for (const out of [JSON.stringify({ kek }), inspect(kek), String(kek), JSON.stringify(KeyFile.generateKek())]) {
      expect(out).not.toContain(text)
      expect(out).not.toContain(hex)
    }
  })

  it("[NO-PAN-LEAK] malformed key documents are typed errors (Corrupt, UnsupportedVersion)", async () => {
    const cases: Array<[string, string]> = [
      ["{", "Corrupt"],
      ["[]", "Corrupt"],
      [JSON.stringify({ format: "other", version: 1 }), "Corrupt"],
      [JSON.stringify({ format: "tokenvault-keys", version: 99 }), "UnsupportedVersion"],
      [JSON.stringify({ format: "tokenvault-keys", version: 1, protection: { mode: "none" } }), "Corrupt"]
    ]
    for (const [text, reason] of cases) {
      const exit = await Effect.runPromiseExit(Keyring.make({ storage: KeyFile.memoryStorage(text) }))
      expect(Exit.isFailure(exit)).toBe(true)
      if (Exit.isFailure(exit)) {
        const r = exit.cause.reasons[0]
        expect(r?._tag === "Fail" && (r.error as KeyFile.KeyFileError).reason._tag).toBe(reason)
      }
    }
    // A valid document with a second active version is refused.
    const storage = KeyFile.memoryStorage()
    const keyring = Effect.runSync(Keyring.make({ storage }))
    Effect.runSync(keyring.rotate())
    const doc = JSON.parse(storage.snapshot()!)
    doc.dataKeys[0].state = "active"
    const exit = await Effect.runPromiseExit(Keyring.make({ storage: KeyFile.memoryStorage(JSON.stringify(doc)) }))
    expect(Exit.isFailure(exit)).toBe(true)
    // Refuses to create a file when told not to.
    const none = await Effect.runPromiseExit(Keyring.make({ storage: KeyFile.memoryStorage(), create: false }))
    expect(Exit.isFailure(none)).toBe(true)
  })
})
