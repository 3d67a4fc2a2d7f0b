/** After the last test file: the run's folder of shared plans goes (see global-setup.js). */
"use strict";
const fs = require("fs");

module.exports = () => {
  if (process.env.LK_TEST_RUN_DIR) fs.rmSync(process.env.LK_TEST_RUN_DIR, { recursive: true, force: true });
};
