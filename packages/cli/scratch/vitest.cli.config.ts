import { defineConfig } from "vitest/config"
export default defineConfig({
  root: "/work/main",
  test: { include: ["packages/cli/test/**/*.test.ts"], watch: false, testTimeout: 60_000, hookTimeout: 60_000 }
})
