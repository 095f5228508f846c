// Puppeteer's launch options for the CATAPULT run (JEST_PUPPETEER_CONFIG): Debian's
// Chromium, headless, and none of the calls home a machine without internet would hang on.
const os = require("os"),
    path = require("path"),
    fs = require("fs");

module.exports = {
    launch: {
        headless: true,
        executablePath: process.env.PUPPETEER_EXECUTABLE_PATH || "/usr/bin/chromium",
        args: [
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            `--user-data-dir=${fs.mkdtempSync(path.join(os.tmpdir(), "kiroku-catapult-"))}`
        ]
    }
};
