// Galata/Playwright configuration. Two kinds of specs:
// - project "hub": against a real JupyterHub started by global-setup.js (start_hub.py);
// - project "lab": Galata's own fixtures against a plain JupyterLab (webServer below),
//   for what the extension does outside a hub.
// Debian's Chromium is used; never run `playwright install`.
const path = require('path');
const { defineConfig } = require('@playwright/test');

const { OUTPUT_DIR } = require('./output-dir');

// The plain lab's port: chosen once in the main process; the workers inherit the variable.
if (!process.env.CLASSROOM_UI_LAB_PORT) {
  process.env.CLASSROOM_UI_LAB_PORT = String(
    20000 + Math.floor(Math.random() * 20000)
  );
}
const LAB_PORT = process.env.CLASSROOM_UI_LAB_PORT;
const PYTHON =
  process.env.CLASSROOM_LAB_PYTHON ||
  path.resolve(__dirname, '..', '.venv', 'bin', 'python');

module.exports = defineConfig({
  testDir: './tests',
  outputDir: OUTPUT_DIR,
  timeout: 240_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  globalSetup: require.resolve('./global-setup.js'),
  globalTeardown: require.resolve('./global-teardown.js'),
  use: {
    headless: true,
    acceptDownloads: true,
    video: 'off',
    trace: 'off',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 800 },
    actionTimeout: 30_000,
    navigationTimeout: 90_000,
    launchOptions: {
      executablePath: process.env.CLASSROOM_CHROMIUM || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  projects: [
    { name: 'hub', testIgnore: /nohub\.spec\.ts/ },
    {
      name: 'lab',
      testMatch: /nohub\.spec\.ts/,
      use: { baseURL: `http://127.0.0.1:${LAB_PORT}` }
    }
  ],
  webServer: {
    command: `${PYTHON} -m jupyter lab --config ${path.join(__dirname, 'jupyter_server_test_config.py')}`,
    url: `http://127.0.0.1:${LAB_PORT}/lab`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe'
  }
});
