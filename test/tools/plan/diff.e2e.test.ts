/**
 * `npm run plan -- --stack <name> --diff <dir or git ref>` end to end: against a plan directory and against a
 * commit. The commit is made with git plumbing (HEAD's tree with another Pulumi.mumbai.yaml, `git commit-tree`),
 * so neither the working tree nor any branch changes; the plan command checks it out in a temporary worktree.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planCommand, projectRoot } from "../../support/plan";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lk-diff-"));
const git = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  execFileSync("git", args, { cwd: projectRoot, encoding: "utf8", env: { ...process.env, ...env } }).trim();

describe("plan --diff", () => {
  let base: string;
  beforeAll(async () => {
    base = path.join(tmp, "base");
    const run = await planCommand("mumbai", "--out", base);
    expect(run.code).toBe(0);
  }, 120_000);

  it("exits 0 and says so when nothing changed, comparing masked plans even when this one is written revealed", async () => {
    const run = await planCommand("mumbai", "--out", path.join(tmp, "revealed"), "--show-secrets", "--diff", base);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toContain(`Diff against ${base}: no changes`);
  }, 120_000);

  it("exits 3 and prints changed resources, input paths and manifest diffs", async () => {
    const text = fs
      .readFileSync(path.join(projectRoot, "Pulumi.mumbai.yaml"), "utf8")
      .replace("targetParticipants: 25000", "targetParticipants: 30000");
    const file = path.join(tmp, "Pulumi.mumbai.yaml");
    fs.writeFileSync(file, text);
    const run = await planCommand("mumbai", "--stack-file", file, "--out", path.join(tmp, "more"), "--diff", base);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 3, stderr: "" });
    // More participants: a higher SFU ceiling (LiveKit's HPA) and a larger sfu NodePool.
    expect(run.stdout).toContain("~ kubernetes:autoscaling/v2:HorizontalPodAutoscaler mumbai-livekit-server");
    expect(run.stdout).toMatch(/inputs\.spec\.maxReplicas: 98 → \d+/);
    expect(run.stdout).toContain("--- a/manifests/_cluster/NodePool-sfu.yaml");
    expect(run.stdout).toMatch(/^- {4}cpu: "1304"$/m);
    expect(run.stdout).not.toContain("plan-placeholder");
  }, 120_000);

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
    // The diff's own worktrees (lk-plan-diff-*): other checkouts of this repository may add and move theirs meanwhile.
    const diffWorktrees = () =>
      git(["worktree", "list"])
        .split("\n")
        .filter((line) => line.includes("lk-plan-diff-"));
    const worktreesBefore = diffWorktrees();

    const run = await planCommand("mumbai", "--out", path.join(tmp, "vs-commit"), "--diff", commit);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 3, stderr: "" });
    expect(run.stdout).toContain(`Diff against ${commit}:`);
    expect(run.stdout).toMatch(/~ sizing\.targetParticipants: 20000 → 25000/);
    expect(diffWorktrees()).toEqual(worktreesBefore);
  }, 240_000);

  it("refuses something that is neither a plan directory nor a git ref before planning, exit 1", async () => {
    const out = path.join(tmp, "x");
    const run = await planCommand("mumbai", "--out", out, "--diff", "no-such-ref-or-dir");
    expect({ code: run.code, stderr: run.stderr, wrote: fs.existsSync(out) }).toEqual({
      code: 1,
      stderr: "error: --diff no-such-ref-or-dir: neither a plan directory nor a git ref of this repository\n",
      wrote: false,
    });
  }, 120_000);
});
