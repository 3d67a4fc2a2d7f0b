/**
 * Writing a plan as docs/plan-contract.md specifies: plan.json, manifests/, helm/, and the readable tree
 * printed to the terminal.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- planned inputs are untyped JSON */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { maskSecrets, plain, PlannedResource, PlanResult } from "./result";

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** Kubernetes objects: every custom resource of the kubernetes provider but Helm releases. */
export function isKubernetesObject(r: PlannedResource): boolean {
  return r.custom && r.type.startsWith("kubernetes:") && r.type !== HELM_RELEASE && !r.read;
}

/** The fields of a Secret that hold its values. */
const SECRET_DATA_FIELDS = ["data", "stringData"] as const;

/**
 * The object as the program sets it; a Secret's data masked unless revealed, even if not marked secret.
 * A masked Secret keeps its keys (`stringData: {password: "[secret]"}`), so the manifest stays well-formed
 * and a reviewer sees which keys it sets; the Kubernetes SDK marks the whole field secret, keys included,
 * so the keys are read from the revealed value.
 */
export function manifestOf(r: PlannedResource, reveal: boolean): Record<string, unknown> {
  const object = maskSecrets(r.inputs, reveal) as Record<string, unknown>;
  if (object.kind === "Secret" && !reveal) {
    for (const field of SECRET_DATA_FIELDS) {
      if (r.inputs[field] === undefined) continue;
      const data = plain(r.inputs[field]);
      object[field] =
        data !== null && typeof data === "object" && !Array.isArray(data)
          ? Object.fromEntries(Object.keys(data).map((k) => [k, "[secret]"]))
          : "[secret]";
    }
  }
  return object;
}

export function manifestPath(manifest: Record<string, unknown>): string {
  const metadata = (manifest.metadata ?? {}) as { name?: string; namespace?: string };
  return path.join(metadata.namespace ?? "_cluster", `${manifest.kind}-${metadata.name}.yaml`);
}

export interface HelmReleaseFile {
  chart: unknown;
  version: unknown;
  repository: unknown;
  namespace: unknown;
  values: unknown;
}

export function helmReleaseOf(r: PlannedResource, reveal: boolean): { name: string; file: HelmReleaseFile } {
  const inputs = maskSecrets(r.inputs, reveal) as Record<string, any>;
  return {
    name: inputs.name ?? r.name,
    file: {
      chart: inputs.chart,
      version: inputs.version,
      repository: inputs.repositoryOpts?.repo ?? null,
      namespace: inputs.namespace ?? "default",
      values: inputs.values ?? {},
    },
  };
}

/** Writes plan.json, manifests/ and helm/ into `outDir`, emptied first. */
export function writePlan(result: PlanResult, outDir: string, reveal: boolean): void {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  // Kubernetes objects appear in plan.json exactly as in manifests/ (a masked Secret keeps its keys).
  const resources = result.resources.map((r) => ({
    ...r,
    inputs: isKubernetesObject(r) ? manifestOf(r, reveal) : maskSecrets(r.inputs, reveal),
  }));
  const plan = {
    project: result.project,
    stack: result.stack,
    resources,
    outputs: maskSecrets(result.outputs, reveal),
    warnings: result.warnings,
  };
  fs.writeFileSync(path.join(outDir, "plan.json"), JSON.stringify(plan, null, 2) + "\n");

  for (const r of result.resources) {
    if (isKubernetesObject(r)) {
      const manifest = manifestOf(r, reveal);
      const file = path.join(outDir, "manifests", manifestPath(manifest));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, stringify(manifest, { lineWidth: 0 }));
    } else if (r.type === HELM_RELEASE) {
      const release = helmReleaseOf(r, reveal);
      fs.mkdirSync(path.join(outDir, "helm"), { recursive: true });
      fs.writeFileSync(path.join(outDir, "helm", `${release.name}.yaml`), stringify(release.file, { lineWidth: 0 }));
    }
  }
}

/** The readable summary: components indented by parent, each with counts of what it creates. */
export function formatPlan(result: PlanResult, reveal: boolean): string {
  const children = new Map<string | null, PlannedResource[]>();
  for (const r of result.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const lines: string[] = [];
  const created = result.resources.filter((r) => r.custom && !r.read).length;
  const read = result.resources.filter((r) => r.read).length;
  lines.push(`${result.project}/${result.stack}: ${created} resources to create, ${read} read`);

  const visit = (r: PlannedResource, depth: number) => {
    const indent = "  ".repeat(depth);
    lines.push(`${indent}${r.type} ${r.name}`);
    const kids = children.get(r.urn) ?? [];
    const counts = new Map<string, number>();
    for (const kid of kids) {
      const key = kid.read ? `${kid.type} (read)` : kid.type;
      if (kid.custom) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [type, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`${indent}    ${String(count).padStart(3)} x ${type}`);
    }
    for (const kid of kids) if (!kid.custom) visit(kid, depth + 1);
  };
  for (const root of children.get(null) ?? []) {
    if (root.custom) lines.push(`${root.type} ${root.name}${root.read ? " (read)" : ""}`);
    else visit(root, 0);
  }

  const outputs = maskSecrets(result.outputs, reveal) as Record<string, unknown>;
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(outputs)) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  if (result.warnings.length > 0) {
    lines.push("", "Warnings:");
    for (const warning of result.warnings) lines.push(`  ${warning}`);
  }
  return lines.join("\n");
}
