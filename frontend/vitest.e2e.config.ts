import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Browser tests: Chromium (Debian's) driven by playwright-core against a real gunicorn server.
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.ts"],
    fileParallelism: false,
    // A scenario restarts the server up to three times; under load (stress --cpu 2) one took 120 s.
    testTimeout: 600_000,
    // beforeAll migrates and starts a server (harness WAIT.server alone is 150 s).
    hookTimeout: 300_000,
    reporters: ["verbose"],
  },
});
