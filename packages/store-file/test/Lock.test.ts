import { Effect } from "effect"
import { type ChildProcessByStdio, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Readable, Writable } from "node:stream"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as FileSystem from "../src/FileSystem.ts"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import { bundle } from "./bundle.ts"
import { cleanup, record, run, tempDir } from "./support.ts"

afterAll(cleanup)

// The children run as one bundled ES module under plain node (see bundle.ts).
let childScript = ""
beforeAll(async () => {
  childScript = await bundle(lockChild, tempDir("bundle"))
})

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../../..")
const lockChild = path.join(here, "fixtures/lockChild.ts")

type Child = ChildProcessByStdio<Writable, Readable, null>

/** A lock child, with a promise of each next stdout line. */
const startChild = (dir: string) => {
  const p: Child = spawn(process.execPath, [childScript, dir], { cwd: root, stdio: ["pipe", "pipe", "inherit"] })
  const queue: Array<string> = []
  const waiting: Array<(line: string) => void> = []
  let buffered = ""
  p.stdout.on("data", (d: Buffer) => {
    buffered += d.toString()
    const parts = buffered.split("\n")
    buffered = parts.pop()!
    for (const line of parts) {
      const w = waiting.shift()
      if (w !== undefined) w(line)
      else queue.push(line)
    }
  })
  const next = (): Promise<string> => {
    const line = queue.shift()
    return line !== undefined ? Promise.resolve(line) : new Promise((resolve) => waiting.push(resolve))
  }
  const exited = new Promise<void>((resolve) => p.on("close", () => resolve()))
  return { p, next, exited, send: (line: string) => p.stdin.write(line + "\n") }
}

const openOutcome = async (dir: string, options?: FileTokenStore.Options) => {
  const r = await Effect.runPromise(Effect.result(FileTokenStore.open(dir, options)))
  return r._tag === "Success" ? { won: r.success } : { reason: r.failure.reason._tag }
}

describe("single writer", () => {
  it("[R7] 20 concurrent openers, 10 child processes and 10 in this process: exactly one wins, the others get Locked", async () => {
    const dir = tempDir("lock")
    const children = Array.from({ length: 10 }, () => startChild(dir))
    for (const c of children) expect(await c.next()).toBe("READY")
    for (const c of children) c.send("GO")
    const local = await Promise.all(Array.from({ length: 10 }, () => openOutcome(dir)))
    const remote = await Promise.all(children.map((c) => c.next()))
    const winners = local.filter((o) => o.won !== undefined).length + remote.filter((l) => l === "WON").length
    expect(winners).toBe(1)
    expect(local.filter((o) => o.won === undefined).every((o) => o.reason === "Locked")).toBe(true)
    expect(remote.filter((l) => l !== "WON").every((l) => l === "LOCKED")).toBe(true)
    for (const c of children) c.send("EXIT")
    await Promise.all(children.map((c) => c.exited))
    for (const o of local) if (o.won !== undefined) await run(o.won.close())
    // Released: the next opener wins.
    const after = await run(FileTokenStore.open(dir))
    await run(after.close())
  }, 120_000)

  it("[R7][R1] the lock of a SIGKILLed holder is stale and taken over; its data is intact", async () => {
    const dir = tempDir("lock-kill")
    const seeded = await run(FileTokenStore.open(dir))
    await run(seeded.insert(record(1)))
    await run(seeded.close())
    const c = startChild(dir)
    expect(await c.next()).toBe("READY")
    c.send("GO")
    expect(await c.next()).toBe("WON")
    expect((await openOutcome(dir)).reason).toBe("Locked")
    c.p.kill("SIGKILL")
    await c.exited
    const store = await run(FileTokenStore.open(dir))
    expect(await run(store.get(record(1).token))).toEqual(record(1))
    await run(store.close())
  }, 60_000)

  const writeLock = (dir: string, owner: { pid: number; origin: number; host: string; nonce: string }) => {
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, "LOCK"), JSON.stringify(owner) + "\n")
  }

  it("[R7] stale and live locks: a dead pid or this pid from an earlier start is broken; a live pid, another host or an unreadable lock is Locked", async () => {
    const dead = tempDir("stale-dead")
    writeLock(dead, { pid: 424242, origin: 1, host: os.hostname(), nonce: "aa" })
    const a = await openOutcome(dead, { isProcessAlive: (pid) => pid !== 424242 })
    expect(a.won).toBeDefined()
    await run(a.won!.close())

    const reused = tempDir("stale-reused")
    writeLock(reused, { pid: process.pid, origin: performance.timeOrigin - 60_000, host: os.hostname(), nonce: "bb" })
    const b = await openOutcome(reused)
    expect(b.won).toBeDefined()
    await run(b.won!.close())

    const live = tempDir("live")
    writeLock(live, { pid: process.ppid, origin: 1, host: os.hostname(), nonce: "cc" })
    expect((await openOutcome(live)).reason).toBe("Locked")

    const foreign = tempDir("foreign")
    writeLock(foreign, { pid: 424242, origin: 1, host: `not-${os.hostname()}`, nonce: "dd" })
    expect((await openOutcome(foreign, { isProcessAlive: () => false })).reason).toBe("Locked")

    const junk = tempDir("junk")
    fs.writeFileSync(path.join(junk, "LOCK"), "")
    expect((await openOutcome(junk, { isProcessAlive: () => false })).reason).toBe("Locked")
    // An operator's removal of a lock left by a crashed holder on another host is honoured.
    fs.rmSync(path.join(foreign, "LOCK"))
    const c = await openOutcome(foreign)
    expect(c.won).toBeDefined()
    await run(c.won!.close())
  })

  it("[R7] 10 openers racing to break the same stale lock: exactly one wins", async () => {
    for (let round = 0; round < 5; round++) {
      const dir = tempDir("race")
      writeLock(dir, { pid: 424242, origin: 1, host: os.hostname(), nonce: "ee" })
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => openOutcome(dir, { isProcessAlive: (pid) => pid !== 424242 })))
      expect(outcomes.filter((o) => o.won !== undefined).length).toBe(1)
      expect(outcomes.filter((o) => o.won === undefined).every((o) => o.reason === "Locked")).toBe(true)
      for (const o of outcomes) if (o.won !== undefined) await run(o.won.close())
      expect(fs.readdirSync(dir).filter((n) => n.startsWith("LOCK"))).toEqual([])
    }
  })

  it("[R7] on a file system without hard links the lock falls back to O_EXCL and still admits one writer", async () => {
    const noLinks: FileSystem.FileSystem = {
      ...FileSystem.node,
      link: () => Promise.reject(Object.assign(new Error("EPERM: no hard links"), { code: "EPERM" }))
    }
    const dir = tempDir("nolinks")
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => openOutcome(dir, { fileSystem: noLinks })))
    expect(outcomes.filter((o) => o.won !== undefined).length).toBe(1)
    for (const o of outcomes) if (o.won !== undefined) await run(o.won.close())
    expect(fs.readdirSync(dir).filter((n) => n.startsWith("LOCK"))).toEqual([])
  })
})
