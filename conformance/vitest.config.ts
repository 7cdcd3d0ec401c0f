import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// The kit's own tests (self, mutants, mechanics), runnable on their own:
// `pnpm vitest run --config conformance/vitest.config.ts`. One seed per run,
// printed; replay with TOKENVAULT_CONFORMANCE_SEED or FC_SEED.
const seed = process.env.FC_SEED !== undefined && process.env.FC_SEED.trim() !== ""
  ? process.env.FC_SEED
  : String(Date.now() % 2_147_483_647)

console.log(`[fast-check] FC_SEED=${seed}`)

export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["test/**/*.test.ts"],
    watch: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env: { FC_SEED: seed }
  }
})
