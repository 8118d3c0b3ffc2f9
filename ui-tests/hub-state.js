// Where start_hub.py writes the hub's URL, the run's user prefix and the teacher's login.
//
// Every run gets its own state file (global-setup.js sets CLASSROOM_UI_RUN_STATE, which
// the test workers and global-teardown.js inherit), so that runs started at the same time
// on one machine never stop each other's hub. CLASSROOM_UI_STATE names the state file of a
// hub that is already running (then nothing is started or stopped).
const fs = require('fs');

function stateFile() {
  const file =
    process.env.CLASSROOM_UI_STATE || process.env.CLASSROOM_UI_RUN_STATE;
  if (!file) {
    throw new Error('No hub state file: global-setup.js did not run.');
  }
  return file;
}

function readState() {
  return JSON.parse(fs.readFileSync(stateFile(), 'utf8'));
}

module.exports = { stateFile, readState };
