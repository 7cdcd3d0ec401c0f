/**
 * The kit against the implementations that must pass it: the memory store
 * (with the default and with tiny pages), the durable test store (so the
 * close-and-reopen property runs), and the vault through the built-in
 * driver. Each suite registers one test per property, titled with its rule
 * IDs, exactly as an adapter's own test file would.
 */
import * as MemoryTokenStore from "@tokenvault/vault/MemoryTokenStore"
import { describe, it } from "vitest"
import * as VaultDriver from "../src/drivers/VaultDriver.ts"
import { storeSuite } from "../src/StoreSuite.ts"
import { vaultSuite } from "../src/VaultSuite.ts"
import * as DurableMemoryStore from "./fixtures/DurableMemoryStore.ts"

describe("the store suite on the memory store", () => {
  storeSuite({ name: "memory", test: it, factory: async () => MemoryTokenStore.make() })
})

describe("the store suite on the memory store with pages of two", () => {
  storeSuite({ name: "memory, pages of 2", test: it, factory: async () => MemoryTokenStore.make({ maxPageSize: 2 }) })
})

describe("the store suite on a durable store", () => {
  storeSuite({
    name: "durable memory",
    test: it,
    factory: async () => DurableMemoryStore.make(),
    reopen: async (old) => DurableMemoryStore.reopen(old)
  })
})

describe("the gateway suite on the vault", () => {
  vaultSuite({ name: "vault", test: it, driver: () => VaultDriver.make() })
})
