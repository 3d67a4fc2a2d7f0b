/**
 * The specs of Karpenter's NodePool (karpenter.sh/v1) and EC2NodeClass (karpenter.k8s.aws/v1), as the project
 * writes them. Field names and required fields follow the Go API types at v1.14.1: `NodePoolSpec` and its parts
 * in kubernetes-sigs/karpenter pkg/apis/v1/nodepool.go:42-269 and nodeclaim.go:93-152, `EC2NodeClassSpec` in
 * aws/karpenter-provider-aws pkg/apis/v1/ec2nodeclass.go:33-529. Only the fields the project sets or may set are
 * declared; the plan tests validate every rendered object against the CRDs' own schemas at that tag
 * (test/support/crds), which also check the values (patterns, enums, ranges).
 */

/** A Karpenter duration: Go's `time.Duration` text in hours, minutes and seconds, or `Never` where allowed. */
export type KarpenterDuration = string;

/** A node requirement: a well-known label and the values a node's label may take. */
export interface NodeRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" | "Gte" | "Lte";
  values?: string[];
  /** The least number of distinct values the scheduler must keep for an `In` requirement. */
  minValues?: number;
}

export interface NodePoolTaint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** One disruption budget: how many nodes (a count or a percentage) may be disrupted at once. */
export interface DisruptionBudget {
  nodes: string;
  reasons?: ("Underutilized" | "Empty" | "Drifted")[];
  schedule?: string;
  duration?: string;
}

export interface NodePoolSpec {
  template: {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: {
      nodeClassRef: { group: string; kind: string; name: string };
      requirements: NodeRequirement[];
      taints?: NodePoolTaint[];
      startupTaints?: NodePoolTaint[];
      expireAfter?: KarpenterDuration;
      terminationGracePeriod?: KarpenterDuration;
    };
  };
  disruption: {
    consolidationPolicy?: "WhenEmpty" | "WhenEmptyOrUnderutilized" | "Balanced";
    consolidateAfter: KarpenterDuration;
    budgets?: DisruptionBudget[];
  };
  /** Resource quantities (e.g. `cpu`) the pool's nodes may add up to. */
  limits?: Record<string, string | number>;
  weight?: number;
}

export interface EC2NodeClassSpec {
  /** The IAM role of the nodes (Karpenter makes their instance profile); or `instanceProfile`. */
  role?: string;
  instanceProfile?: string;
  amiFamily?: "AL2" | "AL2023" | "Bottlerocket" | "Custom" | "Windows2019" | "Windows2022" | "Windows2025";
  amiSelectorTerms: { alias?: string; id?: string; name?: string; owner?: string; tags?: Record<string, string> }[];
  subnetSelectorTerms: { id?: string; tags?: Record<string, string> }[];
  securityGroupSelectorTerms: { id?: string; name?: string; tags?: Record<string, string> }[];
  associatePublicIPAddress?: boolean;
  userData?: string;
  tags?: Record<string, string>;
  detailedMonitoring?: boolean;
  instanceStorePolicy?: "RAID0";
  metadataOptions?: {
    httpEndpoint?: "enabled" | "disabled";
    httpProtocolIPv6?: "enabled" | "disabled";
    httpPutResponseHopLimit?: number;
    httpTokens?: "required" | "optional";
  };
  blockDeviceMappings?: {
    deviceName?: string;
    rootVolume?: boolean;
    ebs?: {
      volumeSize?: string;
      volumeType?: "standard" | "io1" | "io2" | "gp2" | "sc1" | "st1" | "gp3";
      iops?: number;
      throughput?: number;
      encrypted?: boolean;
      kmsKeyID?: string;
      deleteOnTermination?: boolean;
      snapshotID?: string;
    };
  }[];
}
