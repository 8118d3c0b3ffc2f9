// Load JupyterLab in headless Chromium and print the milliseconds until it is ready
// (`app.restored` resolved, exposed with --LabApp.expose_app_in_browser), one JSON line per load.
// Usage: node measure.js URL_A URL_B ROUNDS   (loads alternate A B, B A, ... in fresh contexts)
const path = require('path');
const { chromium } = require(path.join(
  __dirname, '..', '..', 'ui-tests', 'node_modules', 'playwright-core'
));

async function loadOnce(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  const ms = await page.evaluate(async () => {
    while (!window.jupyterapp) {
      await new Promise(r => setTimeout(r, 5));
    }
    await window.jupyterapp.restored;
    return performance.now();
  });
  await context.close();
  return ms;
}

(async () => {
  const [a, b, rounds] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CLASSROOM_CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'
    ]
  });
  try {
    // one warm-up load each (server-side caches, Chromium start)
    await loadOnce(browser, a);
    await loadOnce(browser, b);
    for (let i = 0; i < Number(rounds); i++) {
      // ABBA order: neither side always gets the first (or the warmer) slot
      const pair = [['with', a], ['without', b]];
      for (const [label, url] of i % 2 ? pair.reverse() : pair) {
        const ms = await loadOnce(browser, url);
        console.log(JSON.stringify({ label, ms }));
      }
    }
  } finally {
    await browser.close();
  }
})().catch(e => {
  console.error(e);
  process.exit(1);
});
