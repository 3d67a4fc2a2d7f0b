/**
 * Facts about AWS regions the program needs: which regions exist (to reject a typo before anything is
 * created), where they are (Cloudflare pools steer by latitude/longitude), the Cloudflare health-check
 * region nearest to each, and which regions can run Route53 health checkers. The commercial regions (the `aws`
 * partition) and those of AWS GovCloud (US) (`aws-us-gov`) and AWS China (`aws-cn`); what differs between
 * partitions is in lib/aws-partitions.ts.
 */

/** Cloudflare load-balancer check regions (LoadBalancerPool.checkRegions). */
export type CloudflareCheckRegion =
  "WNAM" | "ENAM" | "WEU" | "EEU" | "NSAM" | "SSAM" | "OC" | "ME" | "NAF" | "SAF" | "SAS" | "SEAS" | "NEAS";

export interface AwsRegionFacts {
  /** City the region is in, for humans. */
  city: string;
  latitude: number;
  longitude: number;
  cloudflareCheckRegion: CloudflareCheckRegion;
}

/** AWS regions: the commercial ones (aws partition), then GovCloud (US) and China. */
export const awsRegions: Readonly<Record<string, AwsRegionFacts>> = {
  "us-east-1": { city: "N. Virginia", latitude: 38.13, longitude: -78.45, cloudflareCheckRegion: "ENAM" },
  "us-east-2": { city: "Ohio", latitude: 39.96, longitude: -83.0, cloudflareCheckRegion: "ENAM" },
  "us-west-1": { city: "N. California", latitude: 37.35, longitude: -121.96, cloudflareCheckRegion: "WNAM" },
  "us-west-2": { city: "Oregon", latitude: 46.15, longitude: -123.88, cloudflareCheckRegion: "WNAM" },
  "ca-central-1": { city: "Montreal", latitude: 45.5, longitude: -73.57, cloudflareCheckRegion: "ENAM" },
  "ca-west-1": { city: "Calgary", latitude: 51.05, longitude: -114.07, cloudflareCheckRegion: "WNAM" },
  "mx-central-1": { city: "Queretaro", latitude: 20.59, longitude: -100.39, cloudflareCheckRegion: "WNAM" },
  "sa-east-1": { city: "Sao Paulo", latitude: -23.55, longitude: -46.63, cloudflareCheckRegion: "SSAM" },
  "eu-west-1": { city: "Ireland", latitude: 53.35, longitude: -6.26, cloudflareCheckRegion: "WEU" },
  "eu-west-2": { city: "London", latitude: 51.51, longitude: -0.13, cloudflareCheckRegion: "WEU" },
  "eu-west-3": { city: "Paris", latitude: 48.86, longitude: 2.35, cloudflareCheckRegion: "WEU" },
  "eu-central-1": { city: "Frankfurt", latitude: 50.11, longitude: 8.68, cloudflareCheckRegion: "WEU" },
  "eu-central-2": { city: "Zurich", latitude: 47.37, longitude: 8.54, cloudflareCheckRegion: "WEU" },
  "eu-south-1": { city: "Milan", latitude: 45.46, longitude: 9.19, cloudflareCheckRegion: "WEU" },
  "eu-south-2": { city: "Spain", latitude: 41.65, longitude: -0.88, cloudflareCheckRegion: "WEU" },
  "eu-north-1": { city: "Stockholm", latitude: 59.33, longitude: 18.07, cloudflareCheckRegion: "EEU" },
  "il-central-1": { city: "Tel Aviv", latitude: 32.09, longitude: 34.78, cloudflareCheckRegion: "ME" },
  "me-south-1": { city: "Bahrain", latitude: 26.07, longitude: 50.56, cloudflareCheckRegion: "ME" },
  "me-central-1": { city: "UAE", latitude: 24.45, longitude: 54.38, cloudflareCheckRegion: "ME" },
  "af-south-1": { city: "Cape Town", latitude: -33.92, longitude: 18.42, cloudflareCheckRegion: "SAF" },
  "ap-south-1": { city: "Mumbai", latitude: 19.08, longitude: 72.88, cloudflareCheckRegion: "SAS" },
  "ap-south-2": { city: "Hyderabad", latitude: 17.39, longitude: 78.49, cloudflareCheckRegion: "SAS" },
  "ap-east-1": { city: "Hong Kong", latitude: 22.32, longitude: 114.17, cloudflareCheckRegion: "SEAS" },
  "ap-east-2": { city: "Taipei", latitude: 25.03, longitude: 121.57, cloudflareCheckRegion: "NEAS" },
  "ap-southeast-1": { city: "Singapore", latitude: 1.35, longitude: 103.82, cloudflareCheckRegion: "SEAS" },
  "ap-southeast-2": { city: "Sydney", latitude: -33.87, longitude: 151.21, cloudflareCheckRegion: "OC" },
  "ap-southeast-3": { city: "Jakarta", latitude: -6.21, longitude: 106.85, cloudflareCheckRegion: "SEAS" },
  "ap-southeast-4": { city: "Melbourne", latitude: -37.81, longitude: 144.96, cloudflareCheckRegion: "OC" },
  "ap-southeast-5": { city: "Malaysia", latitude: 3.14, longitude: 101.69, cloudflareCheckRegion: "SEAS" },
  "ap-southeast-6": { city: "New Zealand", latitude: -36.85, longitude: 174.76, cloudflareCheckRegion: "OC" },
  "ap-southeast-7": { city: "Thailand", latitude: 13.76, longitude: 100.5, cloudflareCheckRegion: "SEAS" },
  "ap-northeast-1": { city: "Tokyo", latitude: 35.68, longitude: 139.69, cloudflareCheckRegion: "NEAS" },
  "ap-northeast-2": { city: "Seoul", latitude: 37.57, longitude: 126.98, cloudflareCheckRegion: "NEAS" },
  "ap-northeast-3": { city: "Osaka", latitude: 34.69, longitude: 135.5, cloudflareCheckRegion: "NEAS" },
  // AWS names the states of the GovCloud regions only (Oregon, Ohio: "AWS GovCloud (US) User Guide", "AWS GovCloud
  // (US) Regions"); their coordinates here are those of the commercial regions in the same states. China's are the
  // cities the regions are named after ("Getting Started with Amazon Web Services in China", "Regions").
  "us-gov-west-1": {
    city: "GovCloud West (Oregon)",
    latitude: 46.15,
    longitude: -123.88,
    cloudflareCheckRegion: "WNAM",
  },
  "us-gov-east-1": { city: "GovCloud East (Ohio)", latitude: 39.96, longitude: -83.0, cloudflareCheckRegion: "ENAM" },
  "cn-north-1": { city: "Beijing", latitude: 39.9, longitude: 116.41, cloudflareCheckRegion: "NEAS" },
  "cn-northwest-1": { city: "Ningxia", latitude: 37.5, longitude: 105.19, cloudflareCheckRegion: "NEAS" },
};

export const awsRegionNames = Object.keys(awsRegions);

/** `prefix-az1` .. `prefix-az<count>`. */
const numberedZones = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-az${i + 1}`);

/**
 * The Availability Zones of each region an account gets without opt-in, by AZ ID (the same physical zone in
 * every account; zone names such as ap-south-1a are mapped per account in the oldest regions). From AWS,
 * "AWS Availability Zones" (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html,
 * read 2026-12-07), which lists each region's AZ IDs; us-west-1 (usw1-az1, usw1-az3) and the 4-zone rows also in
 * the EFS "Supported Availability Zones" table. `aws ec2 describe-availability-zones --region <r>` shows an
 * account's own. A stack spreads its subnets over at most this many (network.availabilityZones).
 */
export const availabilityZoneIds: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": numberedZones("use1", 6),
  "us-east-2": numberedZones("use2", 3),
  "us-west-1": ["usw1-az1", "usw1-az3"],
  "us-west-2": numberedZones("usw2", 4),
  "ca-central-1": ["cac1-az1", "cac1-az2", "cac1-az4"],
  "ca-west-1": numberedZones("caw1", 3),
  "mx-central-1": numberedZones("mxc1", 3),
  "sa-east-1": numberedZones("sae1", 3),
  "eu-west-1": numberedZones("euw1", 3),
  "eu-west-2": numberedZones("euw2", 3),
  "eu-west-3": numberedZones("euw3", 3),
  "eu-central-1": numberedZones("euc1", 3),
  "eu-central-2": numberedZones("euc2", 3),
  "eu-south-1": numberedZones("eus1", 3),
  "eu-south-2": numberedZones("eus2", 3),
  "eu-north-1": numberedZones("eun1", 3),
  "il-central-1": numberedZones("ilc1", 3),
  "me-south-1": numberedZones("mes1", 3),
  "me-central-1": numberedZones("mec1", 3),
  "af-south-1": numberedZones("afs1", 3),
  "ap-south-1": numberedZones("aps1", 3),
  "ap-south-2": numberedZones("aps2", 3),
  "ap-east-1": numberedZones("ape1", 3),
  "ap-east-2": numberedZones("ape2", 3),
  "ap-southeast-1": numberedZones("apse1", 3),
  "ap-southeast-2": numberedZones("apse2", 3),
  "ap-southeast-3": numberedZones("apse3", 3),
  "ap-southeast-4": numberedZones("apse4", 3),
  "ap-southeast-5": numberedZones("apse5", 3),
  "ap-southeast-6": numberedZones("apse6", 3),
  "ap-southeast-7": numberedZones("apse7", 3),
  "ap-northeast-1": ["apne1-az1", "apne1-az2", "apne1-az4"],
  "ap-northeast-2": numberedZones("apne2", 4),
  "ap-northeast-3": numberedZones("apne3", 3),
  // GovCloud: the AZ IDs of the EMR Serverless endpoints table (awsdocs, "Amazon EMR Serverless endpoints and
  // quotas"), which lists every zone of both regions. China: three zones in each region ("Getting Started with
  // Amazon Web Services in China", "Availability Zones for the China Regions"); Beijing's IDs as eksctl and the
  // aws-parallelcluster tests name them (no cnn1-az3), Ningxia's numbered.
  "us-gov-west-1": numberedZones("usgw1", 3),
  "us-gov-east-1": numberedZones("usge1", 3),
  "cn-north-1": ["cnn1-az1", "cnn1-az2", "cnn1-az4"],
  "cn-northwest-1": numberedZones("cnnw1", 3),
};

/**
 * Zones where EKS creates no cluster: a cluster's subnets may not be in them. us-east-1, us-west-1 and ca-central-1
 * from the EKS user guide ("View Amazon EKS networking requirements for VPC and subnets", subnet requirements,
 * awsdocs/amazon-eks-user-guide latest/ug/networking/network-reqs.adoc, December 2024); cn-north-1's from eksctl,
 * which leaves it out of every cluster it makes (eksctl-io/eksctl pkg/az/az.go, zoneIDsToAvoid, citing eksctl issue
 * 3916: the cluster cannot be created with a subnet there). The network component asks for zones
 * without these, and network.availabilityZones is bounded by what is left.
 */
export const eksUnsupportedZoneIds: Readonly<Record<string, readonly string[]>> = {
  "us-east-1": ["use1-az3"],
  "us-west-1": ["usw1-az2"],
  "ca-central-1": ["cac1-az3"],
  "cn-north-1": ["cnn1-az4"],
};

/** The zones of a region a cluster's subnets can go to: its zones less those EKS does not support. */
export function eksZoneIds(region: string): readonly string[] | undefined {
  const unsupported = eksUnsupportedZoneIds[region] ?? [];
  return availabilityZoneIds[region]?.filter((zone) => !unsupported.includes(zone));
}

/**
 * Regions that run Route53 health checkers (HealthCheck.regions). At least three must be given.
 * Most AWS regions, ap-south-1 (Mumbai) among them, are not in this list.
 */
export const route53HealthCheckerRegions = [
  "us-east-1",
  "us-west-1",
  "us-west-2",
  "eu-west-1",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "sa-east-1",
] as const;

/**
 * Round trips between AWS regions, for what global rooms mode adds to every signalling exchange of a member
 * region (docs/rooms-across-regions.md). No measured table ships here: what is given is the physical floor,
 * the great-circle distance between the regions' cities there and back at the speed of light in optical fibre
 * (c / 1.468, the group index of standard single-mode fibre at 1550 nm: about 204 km per millisecond). Real
 * paths follow cables and peering points, so a measured round trip is always above it; measure the pairs you
 * deploy (`ping` between two instances over the VPC peering) and set the measured value where the program asks
 * for one.
 */
const EARTH_RADIUS_KM = 6371.0088;
const FIBRE_KM_PER_MS = 299_792.458 / 1.468 / 1000;

/** Great-circle distance between two regions' cities (haversine), km. */
export function regionDistanceKm(a: string, b: string): number {
  const p = awsRegions[a];
  const q = awsRegions[b];
  if (p === undefined || q === undefined) throw new Error(`unknown AWS region: ${p === undefined ? a : b}`);
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(q.latitude - p.latitude);
  const dLon = rad(q.longitude - p.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(p.latitude)) * Math.cos(rad(q.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The least round trip between two regions, ms: their distance there and back in fibre (0 within a region). */
export function regionRttFloorMs(a: string, b: string): number {
  return (2 * regionDistanceKm(a, b)) / FIBRE_KM_PER_MS;
}

/**
 * Who writes an Application Load Balancer's access logs, per region, for the log bucket's policy. In the regions
 * available before August 2022 it is an Elastic Load Balancing account of that region
 * (`arn:<partition>:iam::<account>:root`); the regions available since have no such account, and their logs come
 * from the service principal `logdelivery.elasticloadbalancing.amazonaws.com`. Source: Elastic Load Balancing,
 * Application Load Balancers guide, "Enable access logs", step 2 "Attach a policy to your S3 bucket"
 * (awsdocs/elb-application-load-balancers-user-guide, doc_source/enable-access-logging.md, last revision of June
 * 2023); the same accounts are in terraform-provider-aws internal/service/elb/service_account_data_source.go.
 * A region of `awsRegions` missing here is one available since August 2022 (test/lib/aws-regions.test.ts lists them).
 */
export const elbLogDeliveryAccounts: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  // The other partitions' accounts, written `arn:aws-us-gov:iam::<account>:root` and `arn:aws-cn:...` in the
  // policy: the GovCloud ones from terraform-provider-aws (above), China's also in "Getting Started with Amazon Web
  // Services in China", "Elastic Load Balancing" (the legacy bucket policy's accounts).
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
};
