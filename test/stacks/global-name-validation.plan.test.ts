/**
 * Every region's signalling certificate covers the global name, and ACM asks each for the same validation
 * record. Exactly one region stack owns that record (and keeps it when destroyed); the others wait for it.
 */
import { GlobalSettings, parseStackConfig } from "../../stacks/config";
import { checkRegionStacks, discoverRegionStacks, RegionStackFile } from "../../stacks/regions";
import { inputsOf, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { projectRoot, shippedStackPlan, stackConfig } from "../support/plan";

const RECORD = "aws:route53/record:Record";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const DOMAIN = "livekit.example.com";

/** The validation records of the global name a plan creates. */
const globalNameRecords = (plan: PlanResult) =>
  resourcesOfType(plan, RECORD).filter(
    (r) =>
      String(inputsOf(r).name).endsWith(`.${DOMAIN}.`) &&
      /^_/.test(String(inputsOf(r).name)) &&
      String(inputsOf(r).name).split(".").length === DOMAIN.split(".").length + 2,
  );

describe("the global name's ACM validation record", () => {
  let mumbai: PlanResult;
  let singapore: PlanResult;
  beforeAll(async () => {
    [mumbai, singapore] = [await shippedStackPlan("mumbai"), await shippedStackPlan("singapore")];
  }, 180_000);

  it("is created by the owning region only, and kept when that region is destroyed", () => {
    const [record, ...others] = globalNameRecords(mumbai);
    expect(others).toEqual([]);
    expect(record.options.retainOnDelete).toBe(true);
    expect(globalNameRecords(singapore)).toEqual([]);
  });

  it("is still what the other regions' certificate validation waits for", () => {
    const owned = String(inputsOf(globalNameRecords(mumbai)[0]).name).replace(/\.$/, "");
    const fqdns = resourcesOfType(singapore, VALIDATION).flatMap((v) => inputsOf(v).validationRecordFqdns as string[]);
    expect(fqdns).toContain(owned);
  });

  it("has exactly one owner among the region stack files: none or two stop the global plan", () => {
    const global = parseStackConfig(stackConfig("global"), "global") as GlobalSettings;
    const files = discoverRegionStacks(projectRoot);
    expect(() => checkRegionStacks(files, global)).not.toThrow();
    const withOwner = (f: RegionStackFile, owns: boolean): RegionStackFile => ({
      ...f,
      settings: { ...f.settings, dns: { ...f.settings.dns, ownsGlobalNameValidation: owns } },
    });
    expect(() =>
      checkRegionStacks(
        files.map((f) => withOwner(f, false)),
        global,
      ),
    ).toThrow(
      /^Pulumi\.mumbai\.yaml livekit-platform:dns\.ownsGlobalNameValidation: must be true in exactly one region stack file/,
    );
    expect(() =>
      checkRegionStacks(
        files.map((f) => withOwner(f, true)),
        global,
      ),
    ).toThrow(
      /^Pulumi\.singapore\.yaml livekit-platform:dns\.ownsGlobalNameValidation: is also true in Pulumi\.mumbai\.yaml/,
    );
  });
});
