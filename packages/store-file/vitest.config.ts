import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// This package's suite on its own (the root config chooses which suites `pnpm test` runs):
//   pnpm vitest run --config packages/store-file/vitest.config.ts
// One fast-check seed per run; replay a failure with FC_SEED=<seed>.
const seed = process.env.FC_SEED !== undefined && process.env.FC_SEED.trim() !== ""
  ? process.env.FC_SEED
  : String(Date.now() % 2_147_483_647)

console.log(`[fast-check] FC_SEED=${seed}`)

export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."),
  test: {
    include: ["packages/store-file/test/**/*.test.ts"],
    watch: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { FC_SEED: seed }
  }
})
