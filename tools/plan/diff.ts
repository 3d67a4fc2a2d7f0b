/**
 * `npm run plan -- --stack <name> --diff <dir or git ref>`: what this plan changes against another one.
 *
 * The other plan is a directory a plan was written to (it has plan.json), or a git ref (commit, branch,
 * tag): that commit is checked out in a temporary `git worktree` (sharing this checkout's node_modules),
 * planned there with its own stack file by its own `npm run plan`, and the worktree removed again. Both
 * sides are masked plans: secrets are "[secret]" on both sides and never appear in the diff.
 *
 * Resources are matched by URN, then by the URNs their `aliases` name (moved, not added and removed), then by
 * name less a content-hash suffix (same type and parent: renamed, a change). Inside inputs, list items are
 * matched by what identifies them (`name`, `urn`, `key`, `metadata.name`, ...), anonymous items by content.
 *
 * Printed: a summary of what changed in sizing, cost, internet exposure, DNS and replacements; the resources
 * added, removed and changed (a few input paths each, old → new); changed stack outputs and warnings; the names
 * of the manifest and Helm values files that differ. The whole diff, every path and every file's line diff, goes
 * to diff.txt beside the plan. Exit code 0 when nothing changed, 3 when something did (docs/plan-contract.md).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- planned inputs are untyped JSON */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureBuild } from "../run";
import type { PlannedResource } from "./result";
import { replacingPaths } from "./replacement";
import { dnsRecordsOf, healthChecksOf, loadBalancersOf } from "./routing";
import { costOf, exposureOf, usd } from "./summary";

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
    /** URNs its `aliases` name (plans written before aliases were recorded have none). */
    aliases?: string[];
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

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** What identifies an item of a list, in the order tried: the first every item has, with no two alike. */
const IDENTITY_KEYS = ["metadata.name", "name", "urn", "key", "id", "stack", "Sid", "item", "group", "mountPath"];

const valueAt = (item: Record<string, unknown>, key: string): unknown =>
  key.split(".").reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), item);

/** The key that identifies the items of both lists, if there is one. */
export function identityKey(before: unknown[], after: unknown[]): string | undefined {
  if (!before.every(isPlainObject) || !after.every(isPlainObject)) return undefined;
  if (before.length + after.length === 0) return undefined;
  return IDENTITY_KEYS.find((key) =>
    [before, after].every((items) => {
      const ids = (items as Record<string, unknown>[]).map((i) => valueAt(i, key));
      return ids.every((id) => typeof id === "string" || typeof id === "number") && new Set(ids).size === ids.length;
    }),
  );
}

const pathOf = (at: string, key: string) =>
  at === "" ? key : /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`;

/**
 * Two lists aligned: by identity when their items have one, else by content (longest common subsequence of the
 * items); a run of removed items facing a run of added ones is paired up item by item, as changes.
 */
function listChanges(before: unknown[], after: unknown[], at: string): ValueChange[] {
  const key = identityKey(before, after);
  if (key !== undefined) {
    const id = (item: unknown) => valueAt(item as Record<string, unknown>, key);
    const label = (v: unknown) => `${at}[${key}=${String(v)}]`;
    const old = new Map(before.map((item) => [id(item), item]));
    const changes: ValueChange[] = [];
    for (const item of after) {
      const match = old.get(id(item));
      changes.push(...changedPaths(match, item, label(id(item))));
    }
    const present = new Set(after.map(id));
    for (const item of before)
      if (!present.has(id(item))) changes.push(...changedPaths(item, undefined, label(id(item))));
    return changes;
  }
  const x = before.map((v) => JSON.stringify(v));
  const y = after.map((v) => JSON.stringify(v));
  if (x.length * y.length > 1_000_000) {
    // Too large to align: by position.
    const changes: ValueChange[] = [];
    for (let i = 0; i < Math.max(x.length, y.length); i++)
      changes.push(...changedPaths(before[i], after[i], `${at}[${i}]`));
    return changes;
  }
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const changes: ValueChange[] = [];
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    const pairs = Math.min(removed.length, added.length);
    for (let k = 0; k < pairs; k++)
      changes.push(...changedPaths(before[removed[k]], after[added[k]], `${at}[${added[k]}]`));
    for (const i of removed.slice(pairs)) changes.push({ path: `${at}[${i}]`, before: before[i], after: undefined });
    for (const j of added.slice(pairs)) changes.push({ path: `${at}[${j}]`, before: undefined, after: after[j] });
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      flush();
      i++;
      j++;
    } else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1])) removed.push(i++);
    else added.push(j++);
  }
  flush();
  return changes;
}

/**
 * Every leaf path where two JSON values differ (`spec.template.spec.containers[name=sfu].image`). List items are
 * matched by identity or content (listChanges); an item or key only one side has is one change, whole.
 */
export function changedPaths(before: unknown, after: unknown, at = ""): ValueChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) return listChanges(before, after, at);
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], pathOf(at, k)));
  }
  return [{ path: at === "" ? "(value)" : at, before, after }];
}

type SnapshotResource = PlanSnapshot["resources"][number];

export interface ChangedResource {
  urn: string;
  type: string;
  name: string;
  changes: ValueChange[];
  /** How it was matched when not by URN: the URN it had before, and why it is the same resource. */
  formerly?: { urn: string; name: string; how: "alias" | "renamed by content hash" };
  /** Changed input paths that make `pulumi up` replace it (tools/plan/replacement.ts); empty: updated in place. */
  replacedBy: string[];
  /** False when the replace rules of its type are not modelled: `replacedBy` then holds only a new name. */
  replaceRuleKnown: boolean;
}

export interface FactChange {
  what: string;
  before?: string;
  after?: string;
}

export interface DiffSummary {
  /** Participants, nodes per pool, pods per workload. */
  sizing: FactChange[];
  cost?: { before?: number; after?: number; groups: { group: string; delta: number }[] };
  /** Port ranges open to the internet, added or removed. */
  exposure: FactChange[];
  /** DNS records, health checks and load balancers, added, removed or changed. */
  dns: FactChange[];
}

export interface PlanDiff {
  added: { urn: string; type: string; name: string }[];
  removed: { urn: string; type: string; name: string }[];
  changed: ChangedResource[];
  outputs: ValueChange[];
  warnings: { added: string[]; removed: string[] };
  files: { path: string; status: "added" | "removed" | "changed"; diff: string[]; formerPath?: string }[];
  summary: DiffSummary;
}

/**
 * A name less its content-hash suffix (`livekit-config-1b221cf82b` → `livekit-config`), or undefined when it has
 * none: a dash and 8 or more hex digits, at least one a digit (a word like `-deadbeef` is not a hash).
 */
export function withoutHashSuffix(name: string): string | undefined {
  const m = /^(.+)-([0-9a-f]{8,64})$/.exec(name);
  return m && /\d/.test(m[2]) ? m[1] : undefined;
}

/** Pairs of (before, after) among unmatched items that are the same thing under a hash-suffixed name. */
function pairByHashSuffix<T>(removed: T[], added: T[], identity: (item: T) => string | undefined): [T, T][] {
  const pairs: [T, T][] = [];
  const byIdentity = new Map<string, T[]>();
  for (const item of removed) {
    const id = identity(item);
    if (id !== undefined) byIdentity.set(id, [...(byIdentity.get(id) ?? []), item]);
  }
  for (const item of added) {
    const id = identity(item);
    const candidates = id === undefined ? undefined : byIdentity.get(id);
    // Only an unambiguous pair: one old and one new under the same logical name.
    if (candidates?.length === 1 && added.filter((a) => identity(a) === id).length === 1)
      pairs.push([candidates[0], item]);
  }
  return pairs;
}

/**
 * What changed in a resource. `movedTo` maps the URN a moved resource had to the one it has now (by alias): the
 * old plan's references to it (a dependency, a parent) are read as the new URN, since Pulumi follows the alias.
 */
function resourceChanges(old: SnapshotResource, r: SnapshotResource, movedTo: Map<string, string>): ValueChange[] {
  const followed = (value: unknown): unknown =>
    typeof value === "string" ? (movedTo.get(value) ?? value) : Array.isArray(value) ? value.map(followed) : value;
  return [
    ...changedPaths(old.inputs, r.inputs).map((c) => ({ ...c, path: `inputs.${c.path}` })),
    ...(["parent", "provider", "dependencies"] as const).flatMap((field) =>
      // A provider reference is `<urn>::<id>`, never a moved resource's URN: only parents and dependencies follow.
      changedPaths(field === "provider" ? (old[field] ?? null) : followed(old[field] ?? null), r[field] ?? null).map(
        (c) => ({
          ...c,
          path: c.path === "(value)" ? field : `${field}${c.path}`,
        }),
      ),
    ),
  ];
}

export function diffPlans(base: PlanSnapshot, head: PlanSnapshot): PlanDiff {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const brief = (r: { urn: string; type: string; name: string }) => ({ urn: r.urn, type: r.type, name: r.name });
  const pairs: { old: SnapshotResource; r: SnapshotResource; formerly?: ChangedResource["formerly"] }[] = [];
  for (const [urn, r] of after) {
    const old = before.get(urn);
    if (old !== undefined) pairs.push({ old, r });
  }
  const unmatchedBefore = () =>
    [...before.values()].filter((o) => !after.has(o.urn) && !pairs.some((p) => p.old === o));
  const unmatchedAfter = () => [...after.values()].filter((r) => !before.has(r.urn) && !pairs.some((p) => p.r === r));
  // Moved: registered with an alias naming a URN the other plan has (and this one does not).
  for (const r of unmatchedAfter()) {
    const old = unmatchedBefore().find((o) => r.aliases?.includes(o.urn));
    if (old) pairs.push({ old, r, formerly: { urn: old.urn, name: old.name, how: "alias" } });
  }
  // Renamed by a content hash in its name: same type and parent, same name less the hash.
  const logical = (r: SnapshotResource) => {
    const bare = withoutHashSuffix(r.name);
    return bare === undefined ? undefined : `${r.type}|${String(r.parent)}|${bare}`;
  };
  for (const [old, r] of pairByHashSuffix(unmatchedBefore(), unmatchedAfter(), logical)) {
    pairs.push({ old, r, formerly: { urn: old.urn, name: old.name, how: "renamed by content hash" } });
  }

  const movedTo = new Map(pairs.filter((p) => p.formerly?.how === "alias").map((p) => [p.old.urn, p.r.urn]));
  const changed: ChangedResource[] = [];
  for (const { old, r, formerly } of pairs) {
    const changes = resourceChanges(old, r, movedTo);
    if (changes.length === 0 && formerly === undefined) continue;
    const inputPaths = changes.filter((c) => c.path.startsWith("inputs.")).map((c) => c.path.slice("inputs.".length));
    // A move by alias keeps the resource; a new logical name without one is a new resource in Pulumi's eyes.
    const byInputs = replacingPaths(r.type, inputPaths);
    const newProvider = changes.some((c) => c.path === "provider");
    const replacedBy = [...(formerly?.how === "renamed by content hash" ? ["(name)"] : []), ...(byInputs ?? [])];
    changed.push({
      ...brief(r),
      changes,
      ...(formerly ? { formerly } : {}),
      replacedBy,
      // A provider's rules read inputs: with none changed nothing replaces the resource. But a new provider is asked
      // about its own configuration, which this plan does not model, whatever the type.
      replaceRuleKnown: !newProvider && (byInputs !== undefined || inputPaths.length === 0),
    });
  }
  changed.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));

  const files: PlanDiff["files"] = [];
  const paths = [...new Set([...base.files.keys(), ...head.files.keys()])].sort();
  const goneFiles = paths.filter((f) => !head.files.has(f));
  const newFiles = paths.filter((f) => !base.files.has(f));
  // `manifests/livekit/ConfigMap-livekit-config-<hash>.yaml`: the same object renamed by its content.
  const fileIdentity = (file: string) => {
    const bare = withoutHashSuffix(file.replace(/\.yaml$/, ""));
    return bare === undefined ? undefined : bare;
  };
  const renamed = new Map(pairByHashSuffix(goneFiles, newFiles, fileIdentity).map(([a, b]) => [b, a]));
  const renamedFrom = new Set(renamed.values());
  for (const file of paths) {
    if (renamedFrom.has(file)) continue;
    const formerPath = renamed.get(file);
    const a = base.files.get(formerPath ?? file);
    const b = head.files.get(file);
    if (a === b) continue;
    files.push({
      path: file,
      status: a === undefined ? "added" : b === undefined ? "removed" : "changed",
      diff: lineDiff(a ?? "", b ?? ""),
      ...(formerPath ? { formerPath } : {}),
    });
  }
  const matchedBefore = new Set(pairs.map((p) => p.old.urn));
  const matchedAfter = new Set(pairs.map((p) => p.r.urn));
  return {
    added: [...after.values()].filter((r) => !matchedAfter.has(r.urn)).map(brief),
    removed: [...before.values()].filter((r) => !matchedBefore.has(r.urn)).map(brief),
    changed,
    outputs: changedPaths(base.outputs, head.outputs),
    warnings: {
      added: head.warnings.filter((w) => !base.warnings.includes(w)),
      removed: base.warnings.filter((w) => !head.warnings.includes(w)),
    },
    files,
    summary: summariseChanges(base, head),
  };
}

/** Facts by name from each side, as changes: added, removed, or a different value. */
function factChanges(before: Map<string, string>, after: Map<string, string>): FactChange[] {
  const changes: FactChange[] = [];
  for (const [what, value] of after) {
    if (before.get(what) !== value) changes.push({ what, before: before.get(what), after: value });
  }
  for (const [what, value] of before) if (!after.has(what)) changes.push({ what, before: value });
  return changes;
}

/** Participants, nodes and pods, by name: what a reviewer checks first in a sizing change. */
export function sizingFacts(snapshot: PlanSnapshot): Map<string, string> {
  const facts = new Map<string, string>();
  const sizing = (snapshot.outputs.sizing ?? {}) as Record<string, any>;
  if (sizing.targetParticipants !== undefined) facts.set("participants at peak", String(sizing.targetParticipants));
  if (sizing.sfuNodes) facts.set("SFU nodes (floor-ceiling)", `${sizing.sfuNodes.min}-${sizing.sfuNodes.max}`);
  const regions = snapshot.outputs.regions;
  if (Array.isArray(regions)) facts.set("regions routed", regions.map((r: any) => r.stack).join(", ") || "none");
  for (const r of snapshot.resources) {
    const i = (r.inputs ?? {}) as Record<string, any>;
    const where = `${i.metadata?.namespace ? `${i.metadata.namespace}/` : ""}`;
    switch (r.type) {
      case "kubernetes:autoscaling/v2:HorizontalPodAutoscaler":
        facts.set(
          `pods ${where}${i.spec?.scaleTargetRef?.name} (HPA)`,
          `${i.spec?.minReplicas ?? 1}-${i.spec?.maxReplicas}`,
        );
        break;
      case "kubernetes:keda.sh/v1alpha1:ScaledObject":
        facts.set(
          `pods ${where}${i.spec?.scaleTargetRef?.name} (KEDA)`,
          `${i.spec?.minReplicaCount ?? 0}-${i.spec?.maxReplicaCount ?? 100}`,
        );
        break;
      case "kubernetes:apps/v1:Deployment":
      case "kubernetes:apps/v1:StatefulSet":
        if (i.spec?.replicas !== undefined) facts.set(`pods ${where}${i.metadata?.name}`, String(i.spec.replicas));
        break;
      case "kubernetes:karpenter.sh/v1:NodePool":
        if (i.spec?.limits?.cpu !== undefined)
          facts.set(`NodePool ${i.metadata?.name} CPU limit`, String(i.spec.limits.cpu));
        break;
      case "eks:index:ManagedNodeGroup": {
        const s = i.scalingConfig ?? {};
        facts.set(
          `node group ${r.name} (min/desired/max)`,
          `${s.minSize}/${s.desiredSize}/${s.maxSize} ${i.instanceTypes ?? ""}`.trim(),
        );
        break;
      }
      case "aws:elasticache/replicationGroup:ReplicationGroup":
        facts.set(`Redis ${r.name}`, `${i.numCacheClusters ?? i.numNodeGroups ?? "?"} x ${i.nodeType}`);
        break;
    }
  }
  return facts;
}

function summariseChanges(base: PlanSnapshot, head: PlanSnapshot): DiffSummary {
  const asResources = (s: PlanSnapshot) => s.resources as unknown as PlannedResource[];
  const exposure = (s: PlanSnapshot) =>
    new Map(
      exposureOf(asResources(s)).map((e) => [
        `${e.protocol} ${e.ports} from ${e.sources.join(", ")} on ${e.on}`,
        "open",
      ]),
    );
  const dns = (s: PlanSnapshot) => {
    const facts = new Map<string, string>();
    for (const d of dnsRecordsOf(s.resources)) {
      facts.set(
        `record ${d.key}`,
        `${d.answer}${d.routing ? `, ${d.routing}` : ""}${d.healthCheck ? ", health-checked" : ""}`,
      );
    }
    for (const h of healthChecksOf(s.resources)) facts.set(`health check ${h.key}`, `${h.target}, ${h.how}`);
    for (const l of loadBalancersOf(s.resources)) facts.set(`load balancer ${l.key}`, `${l.steering}: ${l.pools}`);
    return facts;
  };
  const summary: DiffSummary = {
    sizing: factChanges(sizingFacts(base), sizingFacts(head)),
    exposure: factChanges(exposure(base), exposure(head)),
    dns: factChanges(dns(base), dns(head)),
  };
  const costs = [base, head].map((s) => costOf((s.outputs.sizing as Record<string, unknown> | undefined)?.cost));
  const [a, b] = costs;
  if (a.available || b.available) {
    const groupsA = a.available ? a.byGroup : {};
    const groupsB = b.available ? b.byGroup : {};
    const groups = [...new Set([...Object.keys(groupsA), ...Object.keys(groupsB)])]
      .map((group) => ({ group, delta: (groupsB[group] ?? 0) - (groupsA[group] ?? 0) }))
      .filter((g) => Math.abs(g.delta) >= 0.5)
      .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta));
    const before = a.available ? a.monthlyUsd : undefined;
    const after = b.available ? b.monthlyUsd : undefined;
    if (before !== after || groups.length > 0) summary.cost = { before, after, groups };
  }
  return summary;
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

/** Old → new; two long strings are shown around where they first differ. */
function showChange(c: ValueChange): string {
  const { before, after } = c;
  if (typeof before === "string" && typeof after === "string" && Math.max(before.length, after.length) > 100) {
    let p = 0;
    while (p < before.length && p < after.length && before[p] === after[p]) p++;
    const start = Math.max(0, p - 30);
    const window = (text: string) =>
      JSON.stringify(
        `${start > 0 ? "..." : ""}${text.slice(start, start + 70)}${text.length > start + 70 ? "..." : ""}`,
      );
    return `${window(before)} → ${window(after)}`;
  }
  return `${show(before)} → ${show(after)}`;
}

const signedUsd = (x: number) => `${x < 0 ? "-" : "+"}${usd(Math.abs(x))}`;

/** The summary lines: sizing, cost, exposure, DNS and replacements. */
export function formatChangeSummary(d: PlanDiff): string[] {
  const lines: string[] = [];
  const facts = (title: string, changes: FactChange[], none: string) => {
    if (changes.length === 0) {
      lines.push(`  ${title}: ${none}`);
      return;
    }
    lines.push(`  ${title}:`);
    for (const c of changes) {
      if (c.before === undefined) lines.push(`    + ${c.what}${c.after === "open" ? "" : `: ${c.after}`}`);
      else if (c.after === undefined) lines.push(`    - ${c.what}${c.before === "open" ? "" : `: ${c.before}`}`);
      else lines.push(`    ~ ${c.what}: ${c.before} → ${c.after}`);
    }
  };
  facts("Sizing", d.summary.sizing, "no change in participants, nodes or pods");
  const cost = d.summary.cost;
  if (cost === undefined) lines.push("  Cost: no change");
  else {
    const percent = (from: number, to: number) => {
      const p = Math.round(((to - from) / from) * 100);
      return from > 0 ? `, ${p >= 0 ? "+" : ""}${p}%` : "";
    };
    const total =
      cost.before !== undefined && cost.after !== undefined
        ? `${usd(cost.before)} → ${usd(cost.after)} a month (${signedUsd(cost.after - cost.before)}${percent(cost.before, cost.after)})`
        : `${cost.before === undefined ? "not available" : usd(cost.before)} → ${cost.after === undefined ? "not available" : usd(cost.after)} a month`;
    const top = cost.groups.slice(0, 3).map((g) => `${g.group} ${signedUsd(g.delta)}`);
    lines.push(`  Cost: ${total}${top.length > 0 ? `; most: ${top.join(", ")}` : ""}`);
  }
  facts("Internet exposure", d.summary.exposure, "no change");
  facts("DNS and routing", d.summary.dns, "no change");
  const replaced = d.changed.filter((c) => c.replacedBy.length > 0);
  const moved = d.changed.filter((c) => c.formerly?.how === "alias");
  const unknown = d.changed.filter((c) => c.replacedBy.length === 0 && !c.replaceRuleKnown);
  const inPlace = d.changed.length - replaced.length - unknown.length;
  const unknownTypes = [...new Set(unknown.map((c) => c.type))];
  const rest = `${inPlace} updated in place${
    unknown.length > 0
      ? `, ${unknown.length} whose replace rules are not modelled (${unknownTypes.slice(0, 3).join(", ")}${unknownTypes.length > 3 ? ", ..." : ""}: see pulumi preview)`
      : ""
  }`;
  if (replaced.length === 0) lines.push(`  Replacements: none; ${rest}`);
  else {
    lines.push(`  Replacements: ${replaced.length} replaced; ${rest}`);
    for (const c of replaced) {
      const why = c.replacedBy.includes("(name)") ? "new name" : c.replacedBy.slice(0, 3).join(", ");
      lines.push(`    ± ${c.type} ${c.name} (${why})`);
    }
  }
  for (const c of moved) lines.push(`    moved, not replaced: ${c.type} ${c.formerly!.name} → ${c.name} (alias)`);
  return lines;
}

/** Input paths shown per changed resource and output paths per top-level output in the short form. */
const PATHS_SHOWN = 6;

/**
 * The diff as terminal text. `full`: every changed path and every file's line diff (diff.txt); otherwise a few
 * paths per resource and the names of the files that differ.
 */
export function formatDiff(
  d: PlanDiff,
  against: string,
  options: { full?: boolean; fullDiffAt?: string } = {},
): string {
  const full = options.full ?? false;
  const lines = [`Diff against ${against}:`];
  if (!hasChanges(d)) return `${lines[0]} no changes`;
  const replaced = d.changed.filter((c) => c.replacedBy.length > 0).length;
  lines.push(
    `  ${d.added.length} to add, ${d.removed.length} to remove, ${d.changed.length} to change (${replaced} by replacement); ${d.files.length} manifest and Helm files differ`,
  );
  lines.push(...formatChangeSummary(d));
  const capped = <T>(items: T[], render: (item: T) => string, indent: string, more: string) => {
    const shown = full ? items : items.slice(0, PATHS_SHOWN);
    lines.push(...shown.map(render));
    if (shown.length < items.length) lines.push(`${indent}... ${items.length - shown.length} more ${more}`);
  };
  if (d.added.length + d.removed.length + d.changed.length > 0) lines.push("  Resources:");
  for (const r of d.added) lines.push(`  + ${r.type} ${r.name}`);
  for (const r of d.removed) lines.push(`  - ${r.type} ${r.name}`);
  for (const r of d.changed) {
    const mark = r.replacedBy.length > 0 ? "±" : "~";
    const formerly = r.formerly ? ` (was ${r.formerly.name}: ${r.formerly.how})` : "";
    lines.push(`  ${mark} ${r.type} ${r.name}${formerly}`);
    capped(r.changes, (c) => `      ${c.path}: ${showChange(c)}`, "      ", "paths");
  }
  if (d.outputs.length > 0) {
    lines.push("  Outputs:");
    // The cost estimate is summed up above; its every line is in the full diff.
    const costPaths = full ? [] : d.outputs.filter((c) => c.path.startsWith("sizing.cost."));
    const byTop = new Map<string, ValueChange[]>();
    for (const c of d.outputs) {
      if (costPaths.includes(c)) continue;
      const top = c.path.split(/[.[]/)[0];
      byTop.set(top, [...(byTop.get(top) ?? []), c]);
    }
    for (const changes of byTop.values())
      capped(changes, (c) => `    ~ ${c.path}: ${showChange(c)}`, "      ", "paths");
    if (costPaths.length > 0) lines.push(`    ~ sizing.cost: ${costPaths.length} values (the Cost line above)`);
  }
  if (d.warnings.added.length + d.warnings.removed.length > 0) {
    lines.push("  Warnings:");
    for (const w of d.warnings.removed) lines.push(`    - ${w}`);
    for (const w of d.warnings.added) lines.push(`    + ${w}`);
  }
  const fileName = (f: PlanDiff["files"][number]) =>
    `${f.formerPath ? `${f.formerPath} → ` : ""}${f.path}${f.status === "added" ? " (new)" : f.status === "removed" ? " (gone)" : ""}`;
  if (!full) {
    if (d.files.length > 0) {
      lines.push(
        `  Files that differ${options.fullDiffAt ? ` (line diffs in ${options.fullDiffAt})` : ""}:`,
        ...d.files.map((f) => `    ${fileName(f)}`),
      );
    }
    return lines.join("\n");
  }
  for (const f of d.files) {
    lines.push(
      "",
      `--- a/${f.formerPath ?? f.path}${f.status === "added" ? " (new)" : ""}`,
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
  if (fs.existsSync(path.join(asDir, "plan.json"))) {
    const planned = (JSON.parse(fs.readFileSync(path.join(asDir, "plan.json"), "utf8")) as { stack?: string }).stack;
    if (planned !== undefined && planned !== stack)
      throw new DiffBaseError(`--diff: ${against} holds a plan of stack ${planned}, not ${stack}`);
    return snapshotOfDir(asDir);
  }
  if (fs.existsSync(asDir) && fs.statSync(asDir).isDirectory()) {
    throw new DiffBaseError(
      `--diff ${against}: the directory holds no plan.json (write one with npm run plan -- --out)`,
    );
  }
  const sha = run("git", ["rev-parse", "--verify", "--quiet", `${against}^{commit}`], projectRoot);
  if (sha.code !== 0)
    throw new DiffBaseError(`--diff ${against}: neither a plan directory nor a git ref of this repository`);
  const commit = sha.stdout.trim();
  // A stack the ref does not have is an error, not a plan where everything is new.
  const hasStackFile = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].some(
    (file) => run("git", ["cat-file", "-e", `${commit}:${file}`], projectRoot).code === 0,
  );
  if (!hasStackFile) throw new DiffBaseError(`--diff: stack ${stack} does not exist at ${against}`);
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
