import { defineConfig } from "vitest/config"

// Used when vitest runs with this package as its root or as a project of a
// root config. Without it (plain `vitest run` at the repository root), the
// tests start the shared server themselves (test/support/postgres.ts).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000
  }
})
