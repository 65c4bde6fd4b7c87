import { defineConfig } from 'vitest/config'

// The Keycloak suite: its own configuration, so that the root `vitest run` (pnpm test, pnpm
// check) never needs Java. Run it with `pnpm test:keycloak`.
const conditions = ['@uma-kit/source', 'module', 'node', 'development|production']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'keycloak',
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    // one Keycloak for every file, and one file restarts it: files run one after another
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
