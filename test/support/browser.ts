/**
 * Debian's chromium (`apt-get install chromium`), driven by the pinned puppeteer-core: no browser download.
 * Tests that need it skip, loudly and with their reason, outside CI; in CI (CI=true) a missing chromium fails them.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Browser } from "puppeteer-core";
import { Conditional, requiresTool } from "./skip";

/** CHROMIUM_PATH when set, else Debian's chromium. */
const CANDIDATES = process.env.CHROMIUM_PATH
  ? [process.env.CHROMIUM_PATH]
  : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
export const CHROMIUM = CANDIDATES.find((p) => fs.existsSync(p));

/** `describe` and `it` when chromium can run (or CI must have it); skipped, naming why, otherwise. */
export function withChromium(testFile: string): Conditional {
  return requiresTool(
    testFile,
    "chromium",
    CHROMIUM !== undefined,
    `not found at ${CANDIDATES.join(" or ")}: install the Debian package chromium (.ci/run installs it)`,
  );
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
