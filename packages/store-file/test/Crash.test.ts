import { TokenRecord as TR } from "@tokenvault/core"
import type { Group, Merchant } from "@tokenvault/core"
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as FileTokenStore from "../src/FileTokenStore.ts"
import { bundle } from "./bundle.ts"
import { cleanup, prng, run, seed, tempDir } from "./support.ts"

afterAll(cleanup)

// The child runs as one bundled ES module under plain node (see bundle.ts): 20 start-ups stay cheap.
let childScript = ""
beforeAll(async () => {
  childScript = await bundle(child, tempDir("bundle"))
})

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../../..")
const child = path.join(here, "fixtures/crashChild.ts")

const MERCHANTS = ["m0", "m1", "m2", "m3"]
const GROUPS = ["g0", "g1"]
/** CI budget 20 kills; nightly sets CRASH_ROUNDS=500. */
const ROUNDS = Math.max(20, Number(process.env["CRASH_ROUNDS"] ?? 20))

type Op =
  | { readonly id: string; readonly k: "group"; readonly g: string }
  | { readonly id: string; readonly k: "merchant"; readonly m: Merchant.Merchant }
  | { readonly id: string; readonly k: "insert" | "update"; readonly m: string; readonly r: typeof TR.Json.Type }
  | { readonly id: string; readonly k: "membership"; readonly m: string; readonly c: TokenStore.MembershipChange }

const merchantOf = (op: Op): string | undefined =>
  op.k === "group" ? undefined : op.k === "merchant" ? op.m.merchantId : op.m

/** A started (loading) child; `go` lets it open the store and resolves with its stdout lines once it is SIGKILLed after `killAfter` acknowledgements. */
const startChild = (dir: string, round: number) => {
  const p = spawn(process.execPath, [childScript, dir, String(round), String(seed)], {
    cwd: root,
    stdio: ["pipe", "pipe", "pipe"]
  })
  const lines: Array<string> = []
  let buffered = ""
  let acks = 0
  let killAfter = Number.POSITIVE_INFINITY
  let killed = false
  let stderr = ""
  p.stderr.on("data", (d: Buffer) => {
    stderr += d.toString()
  })
  p.stdout.on("data", (d: Buffer) => {
    buffered += d.toString()
    const parts = buffered.split("\n")
    buffered = parts.pop()!
    for (const line of parts) {
      lines.push(line)
      if (line.startsWith("A ")) acks++
    }
    if (!killed && acks >= killAfter) {
      killed = true
      p.kill("SIGKILL")
    }
  })
  const done = new Promise<Array<string>>((resolve, reject) => {
    p.on("close", (_code, signal) => {
      if (buffered !== "") lines.push(buffered)
      if (signal !== "SIGKILL") {
        reject(new Error(`child ended without being killed: ${lines.filter((l) => l.startsWith("ERROR")).join(" ")} ${stderr.slice(0, 2000)}`))
      } else resolve(lines)
    })
  })
  return {
    go: (after: number): Promise<Array<string>> => {
      killAfter = after
      p.stdin.write("GO\n")
      return done
    },
    abandon: () => {
      if (!killed) {
        killed = true
        p.kill("SIGKILL")
      }
      return done.catch(() => [])
    }
  }
}

const effectOf = (model: TokenStore.Service, op: Op): Effect.Effect<unknown, TokenStore.TokenStoreError> => {
  switch (op.k) {
    case "group":
      return model.createGroup(op.g)
    case "merchant":
      return model.putMerchant(op.m)
    case "insert":
      return model.insert(TR.fromJson(op.r))
    case "update":
      return model.update(TR.fromJson(op.r))
    case "membership":
      return model.changeMembership(op.c)
  }
}

const replay = async (ops: ReadonlyArray<Op>): Promise<TokenStore.Service> => {
  const model = MemoryTokenStore.make()
  for (const op of ops) {
    await run(effectOf(model, op))
  }
  return model
}

/** What a merchant's part of the state looks like: its entry, every token it ever began, and its index entries. */
const slice = (store: TokenStore.Service, merchantId: string, tokens: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const entry = yield* store.getMerchant(merchantId)
    const records: Array<string> = []
    for (const t of tokens) {
      const r = yield* store.get(t)
      records.push(r === undefined ? `${t}: absent` : JSON.stringify(TR.toJson(r)))
    }
    const listed: Array<string> = []
    for (const scope of [`merchant:${merchantId}`, ...GROUPS.map((g) => `group:${g}`)] as Array<Group.Scope>) {
      let cursor: string | undefined = undefined
      for (;;) {
        const page: TokenStore.Page<TR.TokenRecord> = yield* store.listByScope(scope, { limit: 1000, cursor })
        for (const r of page.items) if (r.merchantId === merchantId) listed.push(`${scope} ${r.token}@${r.version}`)
        if (page.cursor === undefined) break
        cursor = page.cursor
      }
    }
    return JSON.stringify({ entry: entry ?? null, records, listed })
  })

/** Figures of one chain of kills. */
interface Tally {
  acknowledged: number
  inFlight: number
  inFlightApplied: number
}

/** One directory, `rounds` children each SIGKILLed, verified after every kill. */
const chain = async (label: number, rounds: number, tally: Tally): Promise<void> => {
  const dir = tempDir(`crash${label}`)
  const random = prng(seed + label)
  let history: Array<Op> = []
  const tokensOf = new Map<string, Array<string>>(MERCHANTS.map((m) => [m, []]))
  const issued = new Set<string>()
  let next = startChild(dir, 0)
  for (let round = 0; round < rounds; round++) {
    const killAfter = round === 0 ? 10 + Math.floor(random() * 40) : 1 + Math.floor(random() * 120)
    const current = next
    const lines = await current.go(killAfter)
    // The next child loads while this round is checked; it opens the store only when told to go.
    next = startChild(dir, round + 1)
    expect(lines.filter((l) => l.startsWith("ERROR") || l.startsWith("F "))).toEqual([])
    const begun = new Map<string, Op>()
    const acked: Array<Op> = []
    for (const line of lines) {
      if (line.startsWith("B ")) {
        const op = JSON.parse(line.slice(2)) as Op
        begun.set(op.id, op)
        if (op.k === "insert") {
          tokensOf.get(op.m)!.push(op.r.token)
          issued.add(op.r.token)
        }
      } else if (line.startsWith("A ")) {
        const id = line.slice(2)
        acked.push(begun.get(id)!)
        begun.delete(id)
      }
    }
    const inflight = Array.from(begun.values())
    tally.inFlight += inflight.length
    tally.acknowledged += acked.length
    // At most one in-flight operation per merchant (one sequential worker each).
    const perMerchant = new Map<string, Op>()
    for (const op of inflight) {
      const m = merchantOf(op)
      expect(m).toBeDefined()
      expect(perMerchant.has(m!)).toBe(false)
      perMerchant.set(m!, op)
    }

    const store = await run(FileTokenStore.open(dir))
    try {
      const withAcked = await replay([...history, ...acked])
      const withAll = await replay([...history, ...acked, ...inflight])
      const confirmed: Array<Op> = []
      for (const m of MERCHANTS) {
        const tokens = tokensOf.get(m)!
        const actual = await run(slice(store, m, tokens))
        const a = await run(slice(withAcked, m, tokens))
        const b = await run(slice(withAll, m, tokens))
        if (actual === a) continue
        expect(actual).toBe(b)
        confirmed.push(perMerchant.get(m)!)
      }
      tally.inFlightApplied += confirmed.length
      expect(await run(store.hasGroup("g0"))).toBe(true)
      // Nothing that was never issued: every listed token was announced by the child.
      for (const scope of [...MERCHANTS.map((m) => `merchant:${m}`), ...GROUPS.map((g) => `group:${g}`)] as Array<Group.Scope>) {
        const page = await run(store.listByScope(scope, { limit: 1000 }))
        for (const r of page.items) expect(issued.has(r.token)).toBe(true)
      }
      expect((await run(store.stats())).records).toBeLessThanOrEqual(issued.size)
      history = [...history, ...acked, ...confirmed.sort((x, y) => inflight.indexOf(x) - inflight.indexOf(y))]
    } finally {
      await run(store.close())
    }
  }
  await next.abandon()
}

describe("kill -9", () => {
  it(
    "[R1][GROUP-MEMBERSHIP][DELETE-IRREVERSIBLE] SIGKILL at random points: every acknowledged operation is present and byte-identical, in-flight ones wholly present or absent, nothing invented",
    async () => {
      // Two directories killed in parallel (child start-up dominates), ROUNDS kills in all.
      const tally: Tally = { acknowledged: 0, inFlight: 0, inFlightApplied: 0 }
      console.log(`[kill -9] seed=${seed} kills=${ROUNDS}`)
      await Promise.all([chain(0, Math.ceil(ROUNDS / 2), tally), chain(1, Math.floor(ROUNDS / 2), tally)])
      console.log(
        `[kill -9] ${ROUNDS} kills, ${tally.acknowledged} acknowledged operations checked, ${tally.inFlight} in flight at a kill (${tally.inFlightApplied} found applied)`
      )
      expect(tally.acknowledged).toBeGreaterThan(ROUNDS)
    },
    300_000
  )
})
