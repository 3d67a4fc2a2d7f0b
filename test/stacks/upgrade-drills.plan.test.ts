/**
 * Upgrade drills, offline: plan mumbai as it ships, then a copy with one bump, through the plan command's own
 * `--diff` (`main` of tools/commands/plan.ts in this process, as broken-stacks.plan.test.ts runs it), and read the
 * diff as a reviewer would: which resources update, at which inputs, that nothing holding state or rooms is
 * added, removed or replaced, and which workloads roll.
 *
 * The bumps: (a) the next Kubernetes minor, set in the stack file as the upgrade runbook does region by region
 * (docs/runbooks.md, "Upgrade: Kubernetes minor"), and a minor with no pinned add-ons, which stops the plan;
 * (b) a new AMI release for the system nodes and Karpenter's nodes; (c) a chart (Karpenter's controller and
 * CRD charts, which move together). (b) and (c) are edits of lib/versions.ts: the drill makes them on the
 * loaded module, which the program reads when it runs, and restores it afterwards.
 *
 * Whether a change replaces a resource is the provider's rule, not the plan's. Each path a drill may change is
 * listed below with the upstream code that updates it in place (hashicorp/terraform-provider-aws
 * internal/service/eks, which @pulumi/aws bridges; the Kubernetes and Helm providers update a changed object
 * or release).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { versions } from "../../lib/versions";
import { diffPlans, formatDiff, PlanDiff, snapshotOfDir } from "../../tools/plan/diff";
import { EXIT_BAD_CONFIG, EXIT_CHANGED } from "../../tools/plan";
import { main, report } from "../../tools/commands/plan";
import { stackYaml } from "../support/stack-config";

/**
 * Input paths each type may change in a drill, because its provider updates them in place. Anything else
 * that changes fails the drill: read it against the provider before widening this list.
 */
const IN_PLACE: Record<string, RegExp[]> = {
  // aws_eks_cluster: `version` is Optional+Computed, not ForceNew (UpdateClusterVersion); the vpc-cni and
  // kube-proxy add-ons are aws_eks_addon children whose addon_version UpdateAddon changes (addon.go).
  "eks:index:Cluster": [
    /^inputs\.version$/,
    /^inputs\.vpcCniOptions\.addonVersion$/,
    /^inputs\.kubeProxyAddonOptions\.version$/,
  ],
  // aws_eks_node_group (node_group.go resourceNodeGroupUpdate): launch_template, release_version and version
  // go to one UpdateNodegroupVersion call, a rolling replacement of the group's nodes; ami_type, instance_types,
  // subnet_ids and launch_template.id are ForceNew and must never change here.
  "eks:index:ManagedNodeGroup": [/^inputs\.version$/, /^inputs\.releaseVersion$/],
  "aws:eks/addon:Addon": [/^inputs\.addonVersion$/],
  // A Helm release: `helm upgrade` of the same release.
  "kubernetes:helm.sh/v3:Release": [/^inputs\.version$/],
  // A custom resource updated in place; Karpenter then replaces the nodes it launched from it by drift.
  "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": [/^inputs\.spec\.amiSelectorTerms\[0\]\.alias$/],
};

/** What holds state or rooms: never added, removed or changed by a drill (the cluster only in place). */
const KEPT = [
  "aws:elasticache/replicationGroup:ReplicationGroup mumbai-redis",
  "aws:s3/bucket:Bucket mumbai-egress-recordings",
  "eks:index:Cluster mumbai",
  "kubernetes:apps/v1:Deployment mumbai-livekit-server",
  "kubernetes:apps/v1:DaemonSet mumbai-coturn-coturn",
  "kubernetes:apps/v1:Deployment mumbai-egress-egress",
];

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job"];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lk-drill-"));
const base = path.join(tmp, "base");

/** `npm run plan -- <argv>` in this process: exit code, stdout and stderr. */
async function plan(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await main(argv).catch((e) => report(e, (t) => (stderr += t)));
    return { code, stdout, stderr };
  } finally {
    write.mockRestore();
  }
}

/** Plans mumbai (or its stack file with `config` changes) against the base plan; the diff the command printed. */
async function drill(name: string, config?: (c: Record<string, any>) => void) {
  const out = path.join(tmp, name);
  const stackFile = config === undefined ? [] : ["--stack-file", writeStackFile(name, config)];
  const run = await plan("--stack", "mumbai", ...stackFile, "--out", out, "--diff", base);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: EXIT_CHANGED, stderr: "" });
  const diff = diffPlans(snapshotOfDir(base), snapshotOfDir(out));
  // What the command printed is this diff, nothing else.
  const fullDiffAt = path.relative(process.cwd(), path.join(out, "diff.txt"));
  expect(run.stdout).toContain(`\n${formatDiff(diff, base, { fullDiffAt })}\n`);
  return diff;
}

function writeStackFile(name: string, change: (c: Record<string, any>) => void): string {
  const config = stackYaml("mumbai");
  change(config);
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

/** Runs `fn` with lib/versions.ts's values changed as `edit` does on disk, then puts them back. */
async function withVersions<T>(edit: (v: any) => void, fn: () => Promise<T>): Promise<T> {
  const saved = structuredClone(versions);
  edit(versions);
  try {
    return await fn();
  } finally {
    Object.assign(versions, saved);
  }
}

/** Every changed input as `<type> <name> <path>: <before> → <after>`, sorted. */
function changes(diff: PlanDiff): string[] {
  return diff.changed
    .flatMap((r) =>
      r.changes.map((c) => `${r.type} ${r.name} ${c.path}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`),
    )
    .sort();
}

/** The workloads whose pods roll: manifests of a workload kind that changed, and Helm releases that changed. */
function rolling(diff: PlanDiff): string[] {
  return diff.files
    .filter((f) => f.path.startsWith("helm/") || WORKLOAD_KINDS.some((k) => path.basename(f.path).startsWith(`${k}-`)))
    .map((f) => f.path)
    .sort();
}

/** Holds in every drill: nothing added or removed, every change in place, state and rooms untouched. */
function expectSafe(diff: PlanDiff) {
  expect(diff.added).toEqual([]);
  expect(diff.removed).toEqual([]);
  for (const r of diff.changed) {
    for (const c of r.changes) {
      expect({
        resource: `${r.type} ${r.name}`,
        path: c.path,
        inPlace: (IN_PLACE[r.type] ?? []).some((p) => p.test(c.path)),
      }).toEqual({ resource: `${r.type} ${r.name}`, path: c.path, inPlace: true });
    }
  }
  for (const kept of KEPT.filter((k) => !k.startsWith("eks:index:Cluster "))) {
    expect(diff.changed.map((r) => `${r.type} ${r.name}`)).not.toContain(kept);
  }
  // The stack's outputs (what the global stack reads) and warnings stay as they are.
  expect(diff.outputs).toEqual([]);
  expect(diff.warnings).toEqual({ added: [], removed: [] });
}

beforeAll(async () => {
  const run = await plan("--stack", "mumbai", "--out", base);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  const planned = JSON.parse(fs.readFileSync(path.join(base, "plan.json"), "utf8")).resources.map(
    (r: { type: string; name: string }) => `${r.type} ${r.name}`,
  );
  // The drills check these by name: they must be in the plan.
  expect(planned).toEqual(expect.arrayContaining(KEPT));
});

describe("upgrade drill (a): the next Kubernetes minor", () => {
  it("updates the control plane, the system nodes and the four add-ons in place, and nothing else", async () => {
    const diff = await drill("minor", (c) => {
      c["livekit-platform:cluster"].kubernetesVersion = "1.36";
    });
    const now = versions.eksAddons["1.35"];
    const next = versions.eksAddons["1.36"];
    expect(changes(diff)).toEqual(
      [
        `aws:eks/addon:Addon mumbai-coredns inputs.addonVersion: "${now.coredns}" → "${next.coredns}"`,
        `aws:eks/addon:Addon mumbai-pod-identity-agent inputs.addonVersion: "${now.podIdentityAgent}" → "${next.podIdentityAgent}"`,
        `eks:index:Cluster mumbai inputs.kubeProxyAddonOptions.version: "${now.kubeProxy}" → "${next.kubeProxy}"`,
        `eks:index:Cluster mumbai inputs.version: "1.35" → "1.36"`,
        `eks:index:Cluster mumbai inputs.vpcCniOptions.addonVersion: "${now.vpcCni}" → "${next.vpcCni}"`,
        // The release version is read from the new minor's SSM parameter (the pretend cloud answers <k8s>.0-<date>).
        `eks:index:ManagedNodeGroup mumbai-system inputs.releaseVersion: "1.35.0-20260714" → "1.36.0-20260714"`,
        `eks:index:ManagedNodeGroup mumbai-system inputs.version: "1.35" → "1.36"`,
      ].sort(),
    );
    expectSafe(diff);
    // No manifest or chart changes: no workload rolls by itself. The nodes are replaced under them (the system
    // group by EKS, one at a time; Karpenter's nodes by drift, since the alias now resolves to the new minor's AMI).
    expect(diff.files).toEqual([]);
    expect(rolling(diff)).toEqual([]);
  });

  it("stops with one line when the minor has no pinned add-ons", async () => {
    const file = writeStackFile("unpinned", (c) => {
      c["livekit-platform:cluster"].kubernetesVersion = "1.37";
    });
    const out = path.join(tmp, "unpinned");
    const run = await plan("--stack", "mumbai", "--stack-file", file, "--out", out, "--diff", base);
    expect({ code: run.code, wrote: fs.existsSync(out) }).toEqual({ code: EXIT_BAD_CONFIG, wrote: false });
    expect(run.stderr).toBe(
      'error: livekit-platform:cluster.kubernetesVersion: has no EKS add-on builds pinned in lib/versions.ts eksAddons (pinned: 1.35, 1.36); pin vpc-cni, kube-proxy, coredns and eks-pod-identity-agent for it there first, got "1.37"\n',
    );
  });
});

describe("upgrade drill (b): a new AMI release for system and Karpenter nodes", () => {
  it("changes the system group's release and every node class's alias, in place, and no workload", async () => {
    const diff = await withVersions(
      (v) => {
        v.nodeAmiRelease = "v20260801";
        v.karpenterNodeAmiAlias = "al2023@v20260801";
      },
      () => drill("ami"),
    );
    expect(changes(diff)).toEqual([
      'eks:index:ManagedNodeGroup mumbai-system inputs.releaseVersion: "1.35.0-20260714" → "1.35.0-20260801"',
      ...["outbound", "private", "public"].map(
        (tier) =>
          `kubernetes:karpenter.k8s.aws/v1:EC2NodeClass mumbai-karpenter-${tier} inputs.spec.amiSelectorTerms[0].alias: "al2023@v20260714" → "al2023@v20260801"`,
      ),
    ]);
    expectSafe(diff);
    expect(diff.files.map((f) => f.path)).toEqual([
      "manifests/_cluster/EC2NodeClass-outbound.yaml",
      "manifests/_cluster/EC2NodeClass-private.yaml",
      "manifests/_cluster/EC2NodeClass-public.yaml",
    ]);
    expect(rolling(diff)).toEqual([]);
  });
});

describe("upgrade drill (c): a chart version", () => {
  it("upgrades Karpenter's two releases and nothing else", async () => {
    const diff = await withVersions(
      (v) => {
        v.charts.karpenter.version = "1.14.2";
        v.charts.karpenterCrd.version = "1.14.2";
      },
      () => drill("chart"),
    );
    expect(changes(diff)).toEqual([
      'kubernetes:helm.sh/v3:Release mumbai-karpenter inputs.version: "1.14.1" → "1.14.2"',
      'kubernetes:helm.sh/v3:Release mumbai-karpenter-crd inputs.version: "1.14.1" → "1.14.2"',
    ]);
    expectSafe(diff);
    // What rolls: the two releases' own objects (the controller's Deployment); no manifest of this program.
    expect(rolling(diff)).toEqual(["helm/karpenter-crd.yaml", "helm/karpenter.yaml"]);
    expect(diff.files.flatMap((f) => f.diff.filter((l) => /^[-+]/.test(l)))).toEqual([
      "-version: 1.14.1",
      "+version: 1.14.2",
      "-version: 1.14.1",
      "+version: 1.14.2",
    ]);
  });
});
