/**
 * `npm run plan -- --stack <name> --diff <dir or git ref>`: what this plan changes against another one.
 *
 * The other plan is a directory a plan was written to (it has plan.json), or a git ref (commit, branch,
 * tag): that commit is checked out in a temporary `git worktree` (sharing this checkout's node_modules),
 * planned there with its own stack file by its own `npm run plan`, and the worktree removed again. Both
 * sides are masked plans: secrets are "[secret]" on both sides and never appear in the diff.
 *
 * Printed: resources added, removed and changed (with the input paths that changed, old → new), changed
 * stack outputs and warnings, and a line diff of every manifest and Helm values file that differs. Exit code
 * 0 when nothing changed, 3 when something did (docs/plan-contract.md).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- planned inputs are untyped JSON */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureBuild } from "../run";

/** A plan as the diff sees it: plan.json's content and the text of every manifest and Helm values file. */
export interface PlanSnapshot {
  resources: {
    urn: string;
    type: string;
    name: string;
    inputs: unknown;
    parent: unknown;
    provider: unknown;
    dependencies: unknown;
  }[];
  outputs: Record<string, unknown>;
  warnings: string[];
  /** `manifests/<ns>/<Kind>-<name>.yaml` and `helm/<release>.yaml` → text. */
  files: Map<string, string>;
}

/** The snapshot of a plan directory (plan.json, manifests/, helm/). */
export function snapshotOfDir(dir: string): PlanSnapshot {
  const planFile = path.join(dir, "plan.json");
  if (!fs.existsSync(planFile)) throw new Error(`${dir} holds no plan.json`);
  const plan = JSON.parse(fs.readFileSync(planFile, "utf8"));
  const files = new Map<string, string>();
  for (const top of ["manifests", "helm"]) {
    const walk = (rel: string) => {
      const full = path.join(dir, rel);
      if (!fs.existsSync(full)) return;
      for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
        const child = path.posix.join(rel, entry.name);
        if (entry.isDirectory()) walk(child);
        else files.set(child, fs.readFileSync(path.join(dir, child), "utf8"));
      }
    };
    walk(top);
  }
  return { resources: plan.resources ?? [], outputs: plan.outputs ?? {}, warnings: plan.warnings ?? [], files };
}

export interface ValueChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** Every leaf path where two JSON values differ (`spec.template.spec.containers[0].image`). */
export function changedPaths(before: unknown, after: unknown, at = ""): ValueChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === "object";
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: ValueChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      changes.push(...changedPaths(before[i], after[i], `${at}[${i}]`));
    }
    return changes;
  }
  if (isObj(before) && isObj(after) && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])].sort();
    return keys.flatMap((k) =>
      changedPaths(
        (before as any)[k],
        (after as any)[k],
        at === "" ? k : /^[A-Za-z_$][\w$]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`,
      ),
    );
  }
  return [{ path: at === "" ? "(value)" : at, before, after }];
}

export interface PlanDiff {
  added: { urn: string; type: string; name: string }[];
  removed: { urn: string; type: string; name: string }[];
  changed: { urn: string; type: string; name: string; changes: ValueChange[] }[];
  outputs: ValueChange[];
  warnings: { added: string[]; removed: string[] };
  files: { path: string; status: "added" | "removed" | "changed"; diff: string[] }[];
}

export function diffPlans(base: PlanSnapshot, head: PlanSnapshot): PlanDiff {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const brief = (r: { urn: string; type: string; name: string }) => ({ urn: r.urn, type: r.type, name: r.name });
  const changed: PlanDiff["changed"] = [];
  for (const [urn, r] of after) {
    const old = before.get(urn);
    if (old === undefined) continue;
    const changes = [
      ...changedPaths(old.inputs, r.inputs).map((c) => ({ ...c, path: `inputs.${c.path}` })),
      ...(["parent", "provider", "dependencies"] as const).flatMap((field) =>
        changedPaths(old[field] ?? null, r[field] ?? null).map((c) => ({
          ...c,
          path: c.path === "(value)" ? field : `${field}${c.path}`,
        })),
      ),
    ];
    if (changes.length > 0) changed.push({ ...brief(r), changes });
  }
  const files: PlanDiff["files"] = [];
  for (const file of [...new Set([...base.files.keys(), ...head.files.keys()])].sort()) {
    const a = base.files.get(file);
    const b = head.files.get(file);
    if (a === b) continue;
    files.push({
      path: file,
      status: a === undefined ? "added" : b === undefined ? "removed" : "changed",
      diff: lineDiff(a ?? "", b ?? ""),
    });
  }
  return {
    added: [...after.values()].filter((r) => !before.has(r.urn)).map(brief),
    removed: [...before.values()].filter((r) => !after.has(r.urn)).map(brief),
    changed,
    outputs: changedPaths(base.outputs, head.outputs),
    warnings: {
      added: head.warnings.filter((w) => !base.warnings.includes(w)),
      removed: base.warnings.filter((w) => !head.warnings.includes(w)),
    },
    files,
  };
}

export function hasChanges(d: PlanDiff): boolean {
  return (
    d.added.length + d.removed.length + d.changed.length + d.outputs.length + d.files.length > 0 ||
    d.warnings.added.length + d.warnings.removed.length > 0
  );
}

/**
 * A unified diff of two texts (lines prefixed " ", "-", "+", hunks with 2 lines of context). Longest common
 * subsequence over the lines between the common prefix and suffix.
 */
export function lineDiff(a: string, b: string, context = 2): string[] {
  const x = a === "" ? [] : a.replace(/\n$/, "").split("\n");
  const y = b === "" ? [] : b.replace(/\n$/, "").split("\n");
  let start = 0;
  while (start < x.length && start < y.length && x[start] === y[start]) start++;
  let endX = x.length;
  let endY = y.length;
  while (endX > start && endY > start && x[endX - 1] === y[endY - 1]) [endX, endY] = [endX - 1, endY - 1];
  const mx = x.slice(start, endX);
  const my = y.slice(start, endY);
  const ops: [" " | "-" | "+", string][] = x.slice(0, start).map((l) => [" ", l] as [" ", string]);
  if (mx.length * my.length > 4_000_000) {
    // Too large for the table: everything between the common ends, removed then added.
    ops.push(...mx.map((l) => ["-", l] as ["-", string]), ...my.map((l) => ["+", l] as ["+", string]));
  } else {
    const lcs = Array.from({ length: mx.length + 1 }, () => new Uint32Array(my.length + 1));
    for (let i = mx.length - 1; i >= 0; i--)
      for (let j = my.length - 1; j >= 0; j--)
        lcs[i][j] = mx[i] === my[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    let i = 0;
    let j = 0;
    while (i < mx.length || j < my.length) {
      if (i < mx.length && j < my.length && mx[i] === my[j]) {
        ops.push([" ", mx[i]]);
        i++;
        j++;
      } else if (i < mx.length && (j === my.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push(["-", mx[i++]]);
      else ops.push(["+", my[j++]]);
    }
  }
  ops.push(...x.slice(endX).map((l) => [" ", l] as [" ", string]));

  // Hunks: changed lines with `context` lines around them.
  const keep = new Array(ops.length).fill(false);
  ops.forEach(([op], k) => {
    if (op !== " ")
      for (let c = Math.max(0, k - context); c <= Math.min(ops.length - 1, k + context); c++) keep[c] = true;
  });
  const out: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (let k = 0; k < ops.length; k++) {
    if (keep[k] && (k === 0 || !keep[k - 1])) {
      let o = 0;
      let n = 0;
      for (let e = k; e < ops.length && keep[e]; e++) {
        if (ops[e][0] !== "+") o++;
        if (ops[e][0] !== "-") n++;
      }
      out.push(`@@ -${oldLine},${o} +${newLine},${n} @@`);
    }
    if (keep[k]) out.push(`${ops[k][0]}${ops[k][1]}`);
    if (ops[k][0] !== "+") oldLine++;
    if (ops[k][0] !== "-") newLine++;
  }
  return out;
}

const show = (v: unknown): string => {
  if (v === undefined) return "(none)";
  const text = JSON.stringify(v);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
};

/** The diff as terminal text. */
export function formatDiff(d: PlanDiff, against: string): string {
  const lines = [`Diff against ${against}:`];
  if (!hasChanges(d)) return `${lines[0]} no changes`;
  lines.push(
    `  ${d.added.length} to add, ${d.removed.length} to remove, ${d.changed.length} to change; ${d.files.length} manifest and Helm files differ`,
  );
  for (const r of d.added) lines.push(`  + ${r.type} ${r.name}`);
  for (const r of d.removed) lines.push(`  - ${r.type} ${r.name}`);
  for (const r of d.changed) {
    lines.push(`  ~ ${r.type} ${r.name}`);
    for (const c of r.changes) lines.push(`      ${c.path}: ${show(c.before)} → ${show(c.after)}`);
  }
  if (d.outputs.length > 0) {
    lines.push("  Outputs:");
    for (const c of d.outputs) lines.push(`    ~ ${c.path}: ${show(c.before)} → ${show(c.after)}`);
  }
  if (d.warnings.added.length + d.warnings.removed.length > 0) {
    lines.push("  Warnings:");
    for (const w of d.warnings.removed) lines.push(`    - ${w}`);
    for (const w of d.warnings.added) lines.push(`    + ${w}`);
  }
  for (const f of d.files) {
    lines.push(
      "",
      `--- a/${f.path}${f.status === "added" ? " (new)" : ""}`,
      `+++ b/${f.path}${f.status === "removed" ? " (gone)" : ""}`,
    );
    lines.push(...f.diff);
  }
  return lines.join("\n");
}

/** Runs a command; its status and output. */
function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

export class DiffBaseError extends Error {}

/**
 * The plan to compare with: a plan directory as it is, or a git ref planned in a temporary worktree with
 * that commit's own stack file and its own `npm run plan`.
 */
export function baseSnapshot(projectRoot: string, stack: string, against: string): PlanSnapshot {
  const asDir = path.resolve(against);
  if (fs.existsSync(path.join(asDir, "plan.json"))) return snapshotOfDir(asDir);
  if (fs.existsSync(asDir) && fs.statSync(asDir).isDirectory()) {
    throw new DiffBaseError(
      `--diff ${against}: the directory holds no plan.json (write one with npm run plan -- --out)`,
    );
  }
  const sha = run("git", ["rev-parse", "--verify", "--quiet", `${against}^{commit}`], projectRoot);
  if (sha.code !== 0)
    throw new DiffBaseError(`--diff ${against}: neither a plan directory nor a git ref of this repository`);
  const commit = sha.stdout.trim();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lk-plan-diff-"));
  const worktree = path.join(tmp, "tree");
  const out = path.join(tmp, "plan");
  const add = run("git", ["worktree", "add", "--detach", "--quiet", worktree, commit], projectRoot);
  if (add.code !== 0)
    throw new DiffBaseError(`--diff ${against}: git worktree add failed: ${add.stderr.trim().split("\n")[0]}`);
  try {
    // The ref's program, stack file and lockfile; this checkout's installed packages.
    const modules = path.join(projectRoot, "node_modules");
    if (fs.existsSync(modules)) fs.symlinkSync(fs.realpathSync(modules), path.join(worktree, "node_modules"), "dir");
    // This checkout's compiled build: the ref's own plan command uses it when the ref's sources are the same
    // (a diff of stack files only), and otherwise builds its own.
    const build = ensureBuild(projectRoot);
    fs.cpSync(build, path.join(worktree, ".plan", ".build", path.basename(build)), { recursive: true });
    if (
      !fs.existsSync(path.join(worktree, `Pulumi.${stack}.yaml`)) &&
      !fs.existsSync(path.join(worktree, `Pulumi.${stack}.yml`))
    ) {
      throw new DiffBaseError(`--diff ${against}: stack ${stack} has no stack file at ${commit.slice(0, 12)}`);
    }
    const plan = run("npm", ["run", "--silent", "plan", "--", "--stack", stack, "--out", out], worktree);
    if (plan.code !== 0 || !fs.existsSync(path.join(out, "plan.json"))) {
      const line = plan.stderr.split("\n").find((l) => l.startsWith("error:")) ?? plan.stderr.trim().split("\n").pop();
      throw new DiffBaseError(
        `--diff ${against}: planning ${commit.slice(0, 12)} failed (exit ${plan.code}): ${line ?? ""}`,
      );
    }
    return snapshotOfDir(out);
  } finally {
    run("git", ["worktree", "remove", "--force", worktree], projectRoot);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
