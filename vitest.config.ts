import { defineConfig } from "vitest/config"

// One fast-check seed per run, shared by every test file (see packages/core/test/fc.ts).
// Replay a failure with FC_SEED=<seed>; FC_NUM_RUNS changes the default runs per property.
const seed = process.env.FC_SEED !== undefined && process.env.FC_SEED.trim() !== ""
  ? process.env.FC_SEED
  : String(Date.now() % 2_147_483_647)

console.log(`[fast-check] FC_SEED=${seed}${process.env.FC_NUM_RUNS ? ` FC_NUM_RUNS=${process.env.FC_NUM_RUNS}` : ""} (replay a failure with the same values)`)

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "conformance/test/**/*.test.ts"],
    watch: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { FC_SEED: seed }
  }
})
