// Stop the hub started by global-setup.js; start_hub.py then removes this run's accounts.
const fs = require('fs');
const path = require('path');

const { OUTPUT_DIR } = require('./output-dir');

const { stateFile, readState } = require('./hub-state');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

module.exports = async function globalTeardown() {
  if (
    process.env.CLASSROOM_UI_STATE ||
    !process.env.CLASSROOM_UI_RUN_STATE ||
    !fs.existsSync(stateFile())
  ) {
    return;
  }
  const { pid } = readState();
  if (!pid || !alive(pid)) {
    return;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 90_000;
  while (alive(pid) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 300));
  }
  if (alive(pid)) {
    console.warn(`start_hub.py (pid ${pid}) did not stop in 90 s`);
    return;
  }
  const state = readState();
  console.log(
    `JupyterHub stopped; removed accounts: ${(state.removed || []).join(', ')}`
  );
  // Keep the launcher's own log with the hub's log, then drop this run's folder.
  const runDir = path.dirname(stateFile());
  const logs = path.join(OUTPUT_DIR, 'hub-logs');
  fs.mkdirSync(logs, { recursive: true });
  fs.copyFileSync(
    path.join(runDir, 'start_hub.log'),
    path.join(logs, 'start_hub.log')
  );
  fs.rmSync(runDir, { recursive: true, force: true });
};
