// `npm run test:browser`: the tests that drive the demo page in Debian's chromium. Kept out of
// `npm test` (their files end in .browser.ts) because they need the bundle and a browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // One chromium at a time: the machine has two cores and other jobs.
    fileParallelism: false,
  },
});
