// Where start_hub.py writes the hub's URL, the run's user prefix and the teacher's login.
const fs = require('fs');
const os = require('os');
const path = require('path');

const STATE_FILE =
  process.env.CLASSROOM_UI_STATE ||
  path.join(os.tmpdir(), 'classroom-ui-hub', 'state.json');

function readState() {
  return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
}

module.exports = { STATE_FILE, readState };
