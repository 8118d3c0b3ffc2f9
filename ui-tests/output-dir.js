// Where Playwright writes results, screenshots and the hub's log (CI keeps it as artefacts).
// CLASSROOM_UI_OUTPUT moves it, e.g. to keep two runs on one machine apart.
const path = require('path');

const OUTPUT_DIR = path.resolve(
  process.env.CLASSROOM_UI_OUTPUT || path.join(__dirname, 'test-results')
);

module.exports = { OUTPUT_DIR };
