/**
 * report.html in a real browser: the mumbai plan's report loads in headless chromium with no console error
 * and no request beyond the page itself, shows the stack's region and node counts, and its charts have a size.
 */
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import type { Page } from "puppeteer-core";
import { launchChromium, withChromium } from "../../support/browser";
import { SHARED_RUN_HOOK_TIMEOUT_MS, sharedPlanRun } from "../../support/shared-plan-runs";

const { describe: describeWithChromium } = withChromium(__filename);

describeWithChromium("report.html in chromium", () => {
  let close: () => Promise<void>;
  let report: string;
  let planJson: { outputs: { sizing: { sfuNodes: { min: number; max: number } } } };
  /** The report, loaded once: every test reads the same page, as a reader would. */
  let page: Page;
  /** What the page logged as an error or warning, and every request it made, from before it started loading. */
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    const run = await sharedPlanRun("mumbai");
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    report = path.join(run.out, "report.html");
    planJson = JSON.parse(fs.readFileSync(path.join(run.out, "plan.json"), "utf8"));
    const chromium = await launchChromium();
    close = chromium.close;
    page = await chromium.browser.newPage();
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warn") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => requests.push(r.url()));
    page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
  }, SHARED_RUN_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await close?.();
  });

  it("loads with no console errors and fetches nothing but itself", () => {
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(report).href]);
  });

  it("shows the stack's region and its node counts", async () => {
    const facts = await page.$$eval("dd[data-fact]", (dds) =>
      Object.fromEntries(dds.map((d) => [d.getAttribute("data-fact"), d.textContent])),
    );
    expect(facts).toMatchObject({ stack: "mumbai", region: "mumbai", "AWS region": "ap-south-1" });
    const sfuRow = await page.$$eval("#pools tbody tr", (rows) =>
      rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)).find((cells) => cells[0] === "sfu"),
    );
    const { min, max } = planJson.outputs.sizing.sfuNodes;
    expect(sfuRow?.slice(0, 4)).toEqual(["sfu", String(min), expect.stringMatching(/^\d+$/), String(max)]);
    const text = await page.$eval("body", (b) => b.innerText);
    expect(text).toContain(`this stack: ${sfuRow![2]} nodes`);
    expect(text).toMatch(/Cost: not available|USD [\d,]+ a month/);
    expect(await page.$$eval("#exposure-table tbody tr", (rows) => rows.length)).toBeGreaterThan(0);
  });

  it("draws its charts with a non-zero size", async () => {
    const sizes = await page.$$eval("svg.chart", (svgs) =>
      svgs.map((s) => {
        const box = s.getBoundingClientRect();
        return { id: s.id, width: box.width, height: box.height };
      }),
    );
    expect(sizes.map((s) => s.id)).toEqual(["sizing-chart", "pool-chart"]);
    for (const s of sizes) expect(s.width * s.height).toBeGreaterThan(0);
    // The curve has points and the stack's dot is inside the chart.
    const line = await page.$eval("#sizing-chart polyline", (p) => p.getAttribute("points")!.split(" ").length);
    expect(line).toBeGreaterThan(5);
  });
});
