/**
 * How Karpenter v1.14.1 disrupts the nodes of one NodePool, as a small pure model that the tests run over the
 * rendered NodePools, PodDisruptionBudgets and pod specs. No Karpenter binary runs offline, so each rule below
 * cites the upstream line it encodes. Sources, at the version the pinned controller is built from:
 *
 * - K = kubernetes-sigs/karpenter v1.14.1 (aws/karpenter-provider-aws v1.14.1 `go.mod` requires
 *   sigs.k8s.io/karpenter v1.14.1-0.20260819221709-6e7eab7a0f48, the commit the v1.14.1 tag points at);
 * - A = aws/karpenter-provider-aws v1.14.1; D = A's website/content/en/docs/concepts/disruption.md.
 *
 * The model is a worst case where upstream leaves a choice: every pod uses its whole grace period, a spot
 * interruption warning reaches every spot node at once, and Karpenter's loop takes one command per minute.
 */

/** A NodePool as Karpenter reads it, with the API's defaults filled in. */
export interface PoolModel {
  name: string;
  /** undefined: `Never`. */
  expireAfterSeconds: number | undefined;
  /** undefined: the controller waits for pods for ever. */
  terminationGracePeriodSeconds: number | undefined;
  budgets: { nodes: string; reasons?: string[] }[];
  consolidationPolicy: "WhenEmpty" | "WhenEmptyOrUnderutilized";
  consolidateAfterSeconds: number;
  /** Capacity types the pool's requirements allow. */
  capacityTypes: string[];
}

/** A pod of the pool's nodes, as far as disruption cares. */
export interface PodModel {
  /** Pods of one workload share it (and their PodDisruptionBudget). */
  workload: string;
  terminationGracePeriodSeconds: number;
  /** `karpenter.sh/do-not-disrupt: "true"`. */
  doNotDisrupt: boolean;
  daemonSet: boolean;
  /** maxUnavailable of the PodDisruptionBudget that selects the workload's pods, if any. */
  pdbMaxUnavailable?: number;
}

/** Go duration ("5h15m", "720h", "90s") in seconds. */
export function goDurationSeconds(text: string): number {
  if (!/^([0-9]+(h|m|s))+$/.test(text)) throw new Error(`not a duration Karpenter accepts: ${text}`);
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1 };
  return [...text.matchAll(/([0-9]+)(h|m|s)/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

/** A rendered NodePool (`spec`) read with Karpenter's defaults. */
export function poolModel(name: string, spec: any): PoolModel {
  const template = spec.template.spec;
  const expireAfter: string | undefined = template.expireAfter;
  const capacity = (template.requirements ?? []).find((r: any) => r.key === "karpenter.sh/capacity-type");
  if (!capacity || capacity.operator !== "In") throw new Error(`NodePool ${name}: the model needs capacity-type In`);
  return {
    name,
    // "Never" leaves the duration nil (K pkg/apis/v1/duration.go:55-56); unset is 720h (K pkg/apis/v1/nodeclaim.go:78).
    expireAfterSeconds: expireAfter === "Never" ? undefined : goDurationSeconds(expireAfter ?? "720h"),
    terminationGracePeriodSeconds:
      template.terminationGracePeriod === undefined ? undefined : goDurationSeconds(template.terminationGracePeriod),
    // Unset budgets are one of 10% (K pkg/apis/v1/nodepool.go:104-109).
    budgets: spec.disruption?.budgets ?? [{ nodes: "10%" }],
    // Unset policy and delay: WhenEmptyOrUnderutilized after 0s (D:75-83).
    consolidationPolicy: spec.disruption?.consolidationPolicy ?? "WhenEmptyOrUnderutilized",
    consolidateAfterSeconds: goDurationSeconds(spec.disruption?.consolidateAfter ?? "0s"),
    capacityTypes: capacity.values,
  };
}

export type Reason = "Drifted" | "Empty" | "Underutilized";

/**
 * Nodes a budget lets Karpenter disrupt for `reason` in a pool of `numNodes`: the least over the budgets that
 * name the reason or none, a percentage rounded up (K pkg/apis/v1/nodepool.go:364-376, 382-403). Forceful
 * methods (expiry, interruption) are never counted against it (D:168-172, 295).
 */
export function allowedDisruptions(pool: PoolModel, numNodes: number, reason: Reason): number {
  let allowed = Number.MAX_SAFE_INTEGER;
  for (const budget of pool.budgets) {
    if ("schedule" in budget) throw new Error("the model has no budget schedules");
    if (budget.reasons !== undefined && !budget.reasons.includes(reason)) continue;
    const percent = /^(\d+)%$/.exec(budget.nodes);
    const value = percent ? Math.ceil((numNodes * Number(percent[1])) / 100) : Number(budget.nodes);
    allowed = Math.min(allowed, value);
  }
  return allowed;
}

/**
 * The most nodes of a pool of `nodes` that the budget lets be disrupted at once. Karpenter counts every
 * initialized node, the replacements it launched for disrupted nodes among them (helpers.go:266-286), so with
 * k nodes disrupted the pool counts up to nodes + k: the bound is the largest k with k <= allowed(nodes + k).
 */
export function budgetBound(pool: PoolModel, nodes: number, reason: Reason): number {
  let k = 0;
  while (k + 1 <= allowedDisruptions(pool, nodes + k + 1, reason) && k < nodes) k++;
  return k;
}

/**
 * The interruption messages Karpenter acts on (A pkg/controllers/interruption/messages): from its SQS queue, EC2
 * spot interruption warnings, AWS Health scheduled changes and EC2 state changes (stopping or stopped:
 * `instanceStopped`; shutting-down or terminated: `instanceTerminated`, messages/statechange/model.go:40-45); from
 * DescribeInstanceStatus, failed instance or system status checks (`instanceStatusFailure`).
 */
export type InterruptionMessage =
  "spotInterruption" | "scheduledChange" | "instanceStopped" | "instanceTerminated" | "instanceStatusFailure";

/**
 * What Karpenter does on a message (A pkg/controllers/interruption/utils.go:207-213): a status-check failure is
 * ForcefulTermination, every other message CordonAndDrain, whatever the node's capacity type. Both delete the
 * NodeClaim at once, with no budget (utils.go:117-127); ForcefulTermination first stamps the termination time
 * now (utils.go:174-189), so the termination controller's drain deletes every pod at once with a grace of 1 s
 * (K pkg/controllers/node/termination/controller.go:195-229, terminator/terminator.go:140-149).
 */
export function interruptionAction(message: InterruptionMessage): "CordonAndDrain" | "ForcefulTermination" {
  return message === "instanceStatusFailure" ? "ForcefulTermination" : "CordonAndDrain";
}

/** What disrupts the pool's nodes in a scenario, starting at `at` seconds. */
export type Scenario =
  | { kind: "expiry" }
  | { kind: "drift"; at: number }
  | { kind: "emptiness"; at: number; emptyShare: number }
  | { kind: "spotInterruption"; at: number }
  /** One message for each of `nodes` of the pool's nodes (a spot warning reaches spot nodes only). */
  | { kind: "interruption"; message: InterruptionMessage; at: number; nodes: number };

interface SimPod {
  spec: PodModel;
  deletedAt?: number;
  /** The grace period its deletion granted. */
  grace?: number;
  goneAt?: number;
}

interface SimNode {
  id: number;
  createdAt: number;
  initializedAt: number;
  capacityType: string;
  drifted: boolean;
  emptySince?: number;
  /** Counted as disrupting (marked for deletion, or deleting). */
  markedAt?: number;
  /** Deletion timestamp: the termination controller drains from here. */
  deletingAt?: number;
  /** Termination time stamped before the deletion (ForcefulTermination); else deletion plus the grace. */
  terminateAt?: number;
  goneAt?: number;
  pods: SimPod[];
}

export interface DisruptionReport {
  /** Most workload (non-DaemonSet) pods on disrupted nodes at one time, and the budget then. */
  peakDisruptedPods: number;
  peakAt: number;
  /** Times workload pods on disrupted nodes exceeded budgetBound() × the workload pods of a node. */
  overBudget: { at: number; disruptedPods: number; allowedPods: number }[];
  /** Pods whose node went before their grace period ended, or that never got one. */
  cutShort: { workload: string; deletedAt?: number; grace?: number; nodeGoneAt: number }[];
  /** Nodes that started draining, and when the last of the original nodes was gone. */
  disruptedNodes: number;
  originalNodesGoneAt: number | undefined;
  /** Nodes still draining when the simulation ended (a drain that waits for ever). */
  stuckNodes: number;
}

const TICK = 60;
/** From a NodeClaim's creation to an initialized node. */
export const NODE_LAUNCH_SECONDS = 5 * 60;

/**
 * Runs `nodes` nodes of `pool`, each with `podsPerNode`, all launched at time 0 (a region's first `up`
 * launches its floor in a minute), through `scenario` until `horizon` seconds.
 */
export function simulate(
  pool: PoolModel,
  podsPerNode: PodModel[],
  nodes: number,
  scenario: Scenario,
  horizon: number,
): DisruptionReport {
  // A node is spot when the pool allows it: Karpenter launches the cheapest offering (worst case here).
  const capacityType = pool.capacityTypes.includes("spot") ? "spot" : pool.capacityTypes[0];
  let nextId = 0;
  const newNode = (createdAt: number): SimNode => ({
    id: nextId++,
    createdAt,
    initializedAt: createdAt + NODE_LAUNCH_SECONDS,
    capacityType,
    drifted: false,
    pods: podsPerNode.map((spec) => ({ spec })),
  });
  const all: SimNode[] = Array.from({ length: nodes }, () => newNode(0));
  const originals = new Set(all.map((n) => n.id));
  const workloadPerNode = podsPerNode.filter((p) => !p.daemonSet).length;
  const bound = budgetBound(pool, nodes, scenario.kind === "emptiness" ? "Empty" : "Drifted");
  const report: DisruptionReport = {
    peakDisruptedPods: 0,
    peakAt: 0,
    overBudget: [],
    cutShort: [],
    disruptedNodes: 0,
    originalNodesGoneAt: undefined,
    stuckNodes: 0,
  };

  const live = () => all.filter((n) => n.goneAt === undefined);
  const markForDeletion = (node: SimNode, now: number) => {
    node.markedAt ??= now;
    report.disruptedNodes++;
  };
  const deleteNode = (node: SimNode, now: number) => {
    if (node.markedAt === undefined) markForDeletion(node, now);
    node.deletingAt ??= now;
  };
  // A pod counts against its PodDisruptionBudget from its deletion until it is gone.
  const unavailable = (workload: string) =>
    all
      .flatMap((n) => n.pods)
      .filter((p) => p.spec.workload === workload && p.deletedAt !== undefined && p.goneAt === undefined).length;
  const pdbAllows = (pod: PodModel) =>
    pod.pdbMaxUnavailable === undefined || unavailable(pod.workload) < pod.pdbMaxUnavailable;
  // Graceful methods skip a node with an active do-not-disrupt pod or a pod its PDB will not let go
  // (K pkg/controllers/state/statenode.go:244-264).
  const podsBlock = (node: SimNode) =>
    node.pods.some((p) => p.deletedAt === undefined && (p.spec.doNotDisrupt || !pdbAllows(p.spec)));
  const isEmpty = (node: SimNode) => node.pods.every((p) => p.spec.daemonSet || p.goneAt !== undefined);
  // Budgets count initialized nodes of the pool, less those marked for deletion or deleting
  // (K pkg/controllers/disruption/helpers.go:262-301).
  const budgetLeft = (reason: Reason, now: number) => {
    const counted = live().filter((n) => n.initializedAt <= now);
    const disrupting = counted.filter((n) => n.markedAt !== undefined).length;
    return Math.max(allowedDisruptions(pool, counted.length, reason) - disrupting, 0);
  };
  const pendingReplacements: { node: SimNode; candidate: SimNode }[] = [];
  // While nothing is disrupted or due, skip to the next expiry or scenario event.
  const nextTick = (now: number) => {
    const busy =
      pendingReplacements.length > 0 ||
      live().some((n) => n.markedAt !== undefined || n.drifted || n.initializedAt > now || n.emptySince !== undefined);
    if (busy) return now + TICK;
    const due = [
      "at" in scenario && scenario.at > now ? scenario.at : Number.POSITIVE_INFINITY,
      ...live().map((n) =>
        pool.expireAfterSeconds === undefined ? Number.POSITIVE_INFINITY : n.createdAt + pool.expireAfterSeconds,
      ),
    ];
    const next = Math.min(...due, horizon + TICK);
    return Math.max(now + TICK, Math.ceil(next / TICK) * TICK);
  };

  for (let now = 0; now <= horizon; now = nextTick(now)) {
    // Expiration: an expired NodeClaim is deleted, with no budget (K pkg/controllers/nodeclaim/expiration/controller.go:71-83).
    if (pool.expireAfterSeconds !== undefined) {
      for (const node of live()) {
        if (node.deletingAt === undefined && now >= node.createdAt + pool.expireAfterSeconds) deleteNode(node, now);
      }
    }
    // Interruption: a spot interruption warning is CordonAndDrain, the NodeClaim deleted at once, no budget
    // (A pkg/controllers/interruption/utils.go:105-129, 153-167, 207-213). EC2 sends it to spot instances only;
    // the other messages reach any node (interruptionAction).
    if (scenario.kind === "spotInterruption" && now === scenario.at) {
      for (const node of live()) if (node.capacityType === "spot") deleteNode(node, now);
    }
    if (scenario.kind === "interruption" && now === scenario.at) {
      const reached = live().filter((n) => scenario.message !== "spotInterruption" || n.capacityType === "spot");
      for (const node of reached.slice(0, scenario.nodes)) {
        if (interruptionAction(scenario.message) === "ForcefulTermination") node.terminateAt ??= now;
        deleteNode(node, now);
      }
    }
    if (scenario.kind === "drift" && now === scenario.at) for (const node of live()) node.drifted = true;
    if (scenario.kind === "emptiness" && now === scenario.at) {
      // The workload scaled in on a share of the nodes (its pods left through its own controller).
      const count = Math.floor(live().length * scenario.emptyShare);
      for (const node of live().slice(0, count)) {
        for (const pod of node.pods) if (!pod.spec.daemonSet) pod.goneAt = now;
      }
    }
    for (const node of live()) if (node.emptySince === undefined && isEmpty(node)) node.emptySince = now;

    // A drift replacement is initialized: the candidate's NodeClaim is deleted (K .../disruption/queue.go:225-240).
    for (const pending of pendingReplacements.splice(0)) {
      if (pending.node.initializedAt <= now) deleteNode(pending.candidate, now);
      else pendingReplacements.push(pending);
    }

    // The disruption controller: one method acts per pass, in the order Emptiness, Drift, consolidation
    // (K pkg/controllers/disruption/controller.go:101-114, 166-179).
    const candidates = live().filter((n) => n.markedAt === undefined && n.initializedAt <= now);
    const empty = candidates.filter(
      (n) => isEmpty(n) && n.emptySince !== undefined && now - n.emptySince >= pool.consolidateAfterSeconds,
    );
    // Emptiness is graceful: blocked by do-not-disrupt DaemonSet pods too (statenode.go:249-254); every empty
    // node the budget allows, at once (K .../disruption/emptiness.go:64-85).
    const emptyAllowed = empty.filter((n) => !podsBlock(n));
    let acted = false;
    if (emptyAllowed.length > 0) {
      let left = budgetLeft("Empty", now);
      for (const node of emptyAllowed) {
        if (left === 0) break;
        deleteNode(node, now);
        left--;
        acted = true;
      }
    }
    if (!acted) {
      // Drift is eventual: a node whose pods block is still a candidate when its NodeClaim has a
      // terminationGracePeriod (K .../disruption/types.go:188-197, drift.go:114-116). One candidate per command,
      // empty ones first, only while the budget allows (drift.go:63-107); its replacement is launched first and
      // the candidate counts as disrupting from then on (queue.go:335-346).
      const drifted = candidates
        .filter((n) => n.drifted && (pool.terminationGracePeriodSeconds !== undefined || !podsBlock(n)))
        .sort((a, b) => Number(isEmpty(b)) - Number(isEmpty(a)));
      if (drifted.length > 0 && budgetLeft("Drifted", now) > 0) {
        const candidate = drifted[0];
        if (isEmpty(candidate)) deleteNode(candidate, now);
        else {
          markForDeletion(candidate, now);
          const replacement = newNode(now);
          all.push(replacement);
          pendingReplacements.push({ node: replacement, candidate });
        }
        acted = true;
      }
    }
    if (!acted && pool.consolidationPolicy === "WhenEmptyOrUnderutilized") {
      // Consolidation of non-empty nodes is graceful (blocked pods keep the node); WhenEmpty pools never
      // consolidate a non-empty node (K .../disruption/consolidation.go:126-135). Worst case: it always finds
      // the pods room elsewhere, one node per pass within the budget.
      const busy = candidates.filter((n) => !isEmpty(n) && !podsBlock(n));
      if (busy.length > 0 && budgetLeft("Underutilized", now) > 0) deleteNode(busy[0], now);
    }

    // The termination controller drains deleting nodes (K pkg/controllers/node/termination/controller.go:195-229).
    for (const node of live()) {
      if (node.deletingAt === undefined) continue;
      // The node's deadline is its deletion plus terminationGracePeriod (K .../nodeclaim/lifecycle/controller.go:289-304).
      // A termination time stamped before (ForcefulTermination) is kept (lifecycle/controller.go:289-304).
      const deadline =
        node.terminateAt ??
        (pool.terminationGracePeriodSeconds === undefined
          ? Number.POSITIVE_INFINITY
          : node.deletingAt + pool.terminationGracePeriodSeconds);
      for (const pod of node.pods) {
        if (pod.deletedAt !== undefined || pod.goneAt !== undefined) continue;
        const tgps = pod.spec.terminationGracePeriodSeconds;
        if (now >= deadline - tgps) {
          // Deleted so its grace ends with the node's deadline, whatever blocks eviction
          // (K .../node/termination/terminator/terminator.go:140-177).
          pod.deletedAt = now;
          pod.grace = Math.max(Math.min(tgps, deadline - now), 1);
        } else if (!pod.spec.doNotDisrupt && pdbAllows(pod.spec)) {
          // Evicted through the Eviction API, which respects PDBs; a do-not-disrupt pod is not evicted
          // (K pkg/utils/pod/scheduling.go:53-63; D:33, 388).
          pod.deletedAt = now;
          pod.grace = tgps;
        }
      }
      // Worst case: a pod takes its whole grace period.
      for (const pod of node.pods) {
        if (pod.deletedAt !== undefined && pod.goneAt === undefined && now >= pod.deletedAt + pod.grace!)
          pod.goneAt = now;
      }
      const drained = node.pods.every((p) => p.goneAt !== undefined);
      if (drained || now >= deadline) {
        node.goneAt = now;
        for (const pod of node.pods) {
          const shortened = pod.grace !== undefined && pod.grace < pod.spec.terminationGracePeriodSeconds;
          if (pod.goneAt === undefined || shortened)
            report.cutShort.push({
              workload: pod.spec.workload,
              deletedAt: pod.deletedAt,
              grace: pod.grace,
              nodeGoneAt: now,
            });
          pod.goneAt ??= now;
        }
        // The workload's controller makes new pods, and Karpenter launches a node for them (a drifted node's
        // replacement was launched before it was deleted).
        if (!node.drifted && node.pods.some((p) => !p.spec.daemonSet && p.deletedAt !== undefined))
          all.push(newNode(now));
      }
    }

    // What the workload sees: its pods on disrupted nodes, against the budget's bound in pods.
    const disruptedPods = all
      .filter((n) => n.markedAt !== undefined)
      .flatMap((n) => n.pods)
      .filter((p) => !p.spec.daemonSet && (p.goneAt === undefined || p.goneAt === now)).length;
    const allowedPods = bound * workloadPerNode;
    if (disruptedPods > report.peakDisruptedPods) {
      report.peakDisruptedPods = disruptedPods;
      report.peakAt = now;
    }
    if (disruptedPods > allowedPods) report.overBudget.push({ at: now, disruptedPods, allowedPods });
    if (report.originalNodesGoneAt === undefined && all.every((n) => !originals.has(n.id) || n.goneAt !== undefined))
      report.originalNodesGoneAt = now;
  }
  report.stuckNodes = live().filter((n) => n.deletingAt !== undefined).length;
  return report;
}
