/**
 * `npm run plan -- --stack <name> --diff <dir or git ref>` end to end: against a plan directory and against a
 * commit. The commit is made with git plumbing (HEAD's tree with another Pulumi.mumbai.yaml, `git commit-tree`),
 * so neither the working tree nor any branch changes; the plan command checks it out in a temporary worktree.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planCommand, planCommandLoading, projectRoot } from "../../support/plan";
import { SHARED_RUN_HOOK_TIMEOUT_MS, sharedPlanRun } from "../../support/shared-plan-runs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lk-diff-"));
const git = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync("git", args, { cwd: projectRoot, encoding: "utf8", env: { ...process.env, ...env } }).trim();

describe("plan --diff", () => {
  let base: string;
  beforeAll(async () => {
    const run = await sharedPlanRun("mumbai");
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    base = run.out;
  }, SHARED_RUN_HOOK_TIMEOUT_MS);
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("exits 0 and says so when nothing changed, comparing masked plans even when this one is written revealed", async () => {
    const run = await planCommand("mumbai", "--out", path.join(tmp, "revealed"), "--show-secrets", "--diff", base);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toContain(`Diff against ${base}: no changes`);
  }, 120_000);

  it("exits 3 for one changed number with a short review: the summary first, a few paths, the line diffs in diff.txt", async () => {
    const text = fs
      .readFileSync(path.join(projectRoot, "Pulumi.mumbai.yaml"), "utf8")
      .replace("targetParticipants: 25000", "targetParticipants: 30000");
    const file = path.join(tmp, "Pulumi.mumbai.yaml");
    fs.writeFileSync(file, text);
    const out = path.join(tmp, "more");
    const run = await planCommand("mumbai", "--stack-file", file, "--out", out, "--diff", base);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 3, stderr: "" });
    const diff = run.stdout.slice(run.stdout.indexOf(`Diff against ${base}:`));
    // The summary opens it: sizing, cost, exposure, DNS, replacements, before any resource.
    const summary = diff.slice(0, diff.indexOf("  Resources:"));
    expect(summary).toContain("~ participants at peak: 25000 → 30000");
    expect(summary).toMatch(/~ pods livekit\/livekit-server \(HPA\): 20-98 → \d+-\d+/);
    expect(summary).toMatch(/Cost: USD [\d,]+ → USD [\d,]+ a month \(\+USD [\d,]+, \+\d+%\); most: dataTransferOut/);
    expect(summary).toContain("Internet exposure: no change");
    expect(summary).toContain("DNS and routing: no change");
    // Coturn's ConfigMap is named by its content: one object replaced under a new name, not one added and one removed.
    expect(summary).toMatch(/± kubernetes:core\/v1:ConfigMap mumbai-coturn-config \(/);
    expect(diff).not.toMatch(/^ {2}[+-] kubernetes:core\/v1:ConfigMap/m);
    expect(diff).toMatch(
      /manifests\/livekit\/ConfigMap-coturn-config-[0-9a-f]{10}\.yaml → manifests\/livekit\/ConfigMap-coturn-config-[0-9a-f]{10}\.yaml/,
    );
    expect(diff).toContain("~ kubernetes:autoscaling/v2:HorizontalPodAutoscaler mumbai-livekit-server");
    expect(diff).toMatch(/inputs\.spec\.maxReplicas: 98 → \d+/);
    expect(diff.split("\n").length).toBeLessThanOrEqual(100);
    // The whole diff, with every manifest's line diff, is in diff.txt.
    const full = fs.readFileSync(path.join(out, "diff.txt"), "utf8");
    expect(full).toContain("--- a/manifests/_cluster/NodePool-sfu.yaml");
    expect(full).toMatch(/^- {4}cpu: "1304"$/m);
    expect(diff).not.toContain("plan-placeholder");
    expect(full).not.toContain("plan-placeholder");
  }, 120_000);

  it("refuses a git ref that does not have the stack, exit 1 and one line, before planning or loading the engine", async () => {
    const out = path.join(tmp, "no-stack");
    const run = await planCommandLoading("frankfurt", "--out", out, "--diff", "HEAD");
    expect({ code: run.code, stderr: run.stderr, wrote: fs.existsSync(out), engine: run.engine }).toEqual({
      code: 1,
      stderr: "error: --diff: stack frankfurt does not exist at HEAD\n",
      wrote: false,
      engine: false,
    });
  }, 60_000);

  it("plans a git ref in a temporary worktree and diffs against it", async () => {
    // A commit of HEAD's tree with mumbai at 20,000 participants, on no branch.
    const index = path.join(tmp, "index");
    const env = { GIT_INDEX_FILE: index };
    git(["read-tree", "HEAD"], env);
    const original = git(["show", "HEAD:Pulumi.mumbai.yaml"]);
    const blobFile = path.join(tmp, "blob.yaml");
    fs.writeFileSync(blobFile, original.replace("targetParticipants: 25000", "targetParticipants: 20000") + "\n");
    const blob = git(["hash-object", "-w", blobFile]);
    git(["update-index", "--cacheinfo", `100644,${blob},Pulumi.mumbai.yaml`], env);
    const tree = git(["write-tree"], env);
    const commit = git(["commit-tree", tree, "-p", "HEAD", "-m", "test: mumbai at 20000"], {
      GIT_AUTHOR_NAME: "test",
      GIT_AUTHOR_EMAIL: "test@example.com",
      GIT_COMMITTER_NAME: "test",
      GIT_COMMITTER_EMAIL: "test@example.com",
    });
    // The diff's own worktree: an lk-plan-diff-* one at this test's commit (other checkouts of this repository may
    // add and remove theirs meanwhile, at other commits).
    const ownWorktrees = () =>
      git(["worktree", "list", "--porcelain"])
        .split("\n\n")
        .filter((entry) => entry.includes("lk-plan-diff-") && entry.includes(`\nHEAD ${commit}`));

    const run = await planCommand("mumbai", "--out", path.join(tmp, "vs-commit"), "--diff", commit);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 3, stderr: "" });
    expect(run.stdout).toContain(`Diff against ${commit}:`);
    expect(run.stdout).toContain("~ participants at peak: 20000 → 25000");
    expect(ownWorktrees()).toEqual([]);
  }, 240_000);

  it("refuses something that is neither a plan directory nor a git ref before planning or loading the engine, exit 1", async () => {
    const out = path.join(tmp, "x");
    const run = await planCommandLoading("mumbai", "--out", out, "--diff", "no-such-ref-or-dir");
    expect({ code: run.code, stderr: run.stderr, wrote: fs.existsSync(out), engine: run.engine }).toEqual({
      code: 1,
      stderr: "error: --diff no-such-ref-or-dir: neither a plan directory nor a git ref of this repository\n",
      wrote: false,
      engine: false,
    });
  }, 120_000);
});
