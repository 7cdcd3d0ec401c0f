/**
 * The conformance kit's store suite against the file store, with durable
 * reopen: every run gets a fresh directory, and `reopen` opens the same
 * directory again after the kit has closed the store (a full recovery from
 * the journal, indexes rebuilt from nothing).
 *
 * The kit checks the port's logic against its model, so its directories live
 * on a RAM-backed file system when there is one (`/dev/shm`): fsync there is
 * cheap and the kit's budget fits CI. Crash durability on a real disk is this
 * package's own business (Crash, Recovery and FaultInjection tests).
 */
import { storeSuite } from "@tokenvault/conformance/StoreSuite"
import type * as TokenStore from "@tokenvault/vault/TokenStore"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, it } from "vitest"
import * as FileTokenStore from "../src/FileTokenStore.ts"

const base = fs.mkdtempSync(path.join(fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "tv-file-conformance-"))
afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

const dirs = new WeakMap<TokenStore.Service, string>()
let n = 0

// A small maxPageSize makes the kit's paging walk several pages; a small compaction threshold makes reopens meet snapshots.
const options: FileTokenStore.Options = { maxPageSize: 3, autoCompact: { minDeadBytes: 4096, deadRatio: 0.3 } }

const openIn = (dir: string): Promise<TokenStore.Service> =>
  Effect.runPromise(FileTokenStore.open(dir, options)).then((store) => {
    dirs.set(store, dir)
    return store
  })

storeSuite({
  name: "file",
  test: it,
  timeout: 600_000,
  factory: () => openIn(path.join(base, `run-${n++}`)),
  reopen: (old) => openIn(dirs.get(old)!)
})
