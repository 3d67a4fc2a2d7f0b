/**
 * Debian's chromium (`apt-get install chromium`), driven by the pinned puppeteer-core: no browser download.
 * Tests that need it skip, loudly, outside CI; in CI (CI=true) a missing chromium fails them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Browser } from "puppeteer-core";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
export const CHROMIUM = CANDIDATES.find((p): p is string => p !== undefined && fs.existsSync(p));
const IN_CI = Boolean(process.env.CI);

/** `describe` when chromium can run (or CI must have it), `describe.skip` otherwise, with a one-line warning. */
export function withChromium(testFile: string) {
  if (!CHROMIUM && !IN_CI) {
    console.warn(
      `${testFile}: chromium not found (/usr/bin/chromium), SKIPPING the browser tests. Install the Debian package \`chromium\` (.ci/run installs it).`,
    );
  }
  return { describe: CHROMIUM || IN_CI ? describe : describe.skip };
}

/** A headless chromium with a fresh profile, nothing in the background, no sandbox (containers). */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!CHROMIUM) throw new Error("chromium is required when CI is set: apt-get install chromium (see .ci/run)");
  const puppeteer = await import("puppeteer-core");
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "lk-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
