// Start a real JupyterHub with the classroom extension (start_hub.py) unless
// CLASSROOM_UI_STATE names the state file of a hub that is already running.
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { readState } = require('./hub-state');
const { OUTPUT_DIR } = require('./output-dir');

module.exports = async function globalSetup() {
  if (process.env.CLASSROOM_UI_STATE) {
    const state = readState();
    console.log(`Using the running hub at ${state.url}`);
    return;
  }
  // The hub's venv must be usable by the students' accounts (see start_hub.py).
  const python =
    process.env.CLASSROOM_PYTHON ||
    (process.env.CLASSROOM_HUB_VENV
      ? path.join(process.env.CLASSROOM_HUB_VENV, 'bin', 'python')
      : path.resolve(__dirname, '..', '.venv', 'bin', 'python'));
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'classroom-ui-run-'));
  const STATE_FILE = path.join(runDir, 'state.json');
  process.env.CLASSROOM_UI_RUN_STATE = STATE_FILE;
  const logFile = path.join(runDir, 'start_hub.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    python,
    [path.join(__dirname, 'start_hub.py'), '--state', STATE_FILE],
    {
      detached: true,
      stdio: ['ignore', log, log],
      // start_hub.py copies the hub's log here when it stops (CI artefact).
      env: {
        ...process.env,
        CLASSROOM_UI_KEEP_LOGS:
          process.env.CLASSROOM_UI_KEEP_LOGS ||
          path.join(OUTPUT_DIR, 'hub-logs')
      }
    }
  );
  child.unref();
  let exited = null;
  child.on('exit', code => (exited = code));
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (fs.existsSync(STATE_FILE) && readState().ready) {
      const state = readState();
      console.log(
        `JupyterHub ready at ${state.url} in ${state.startup_seconds} s (run prefix ${state.prefix})`
      );
      return;
    }
    if (exited !== null) {
      throw new Error(
        `start_hub.py exited (${exited}):\n` + fs.readFileSync(logFile, 'utf8')
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  // Give up, but let the launcher clean up what it made (it removes the run's accounts).
  process.kill(child.pid, 'SIGTERM');
  throw new Error(
    'JupyterHub did not start in 180 s:\n' + fs.readFileSync(logFile, 'utf8')
  );
};
