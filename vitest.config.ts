import { defineConfig } from 'vitest/config'

// Tests run on the TypeScript sources: the packages' exports put this condition first.
const conditions = ['@uma-kit/source', 'module', 'node', 'development|production']

const project = (name: string, root: string) => ({
  extends: true as const,
  test: {
    name,
    root,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts', '*.test.ts'],
  },
})

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      project('core', 'packages/core'),
      project('resource-server', 'packages/resource-server'),
      project('client', 'packages/client'),
      project('dev-server', 'packages/dev-server'),
      project('photos', 'examples/photos'),
      project('e2e', 'test'),
    ],
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
})
