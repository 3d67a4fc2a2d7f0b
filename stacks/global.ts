/**
 * The global stack: one name, <domain>, that sends each user to the nearest healthy region.
 */
import * as pulumi from "@pulumi/pulumi";
import type { GlobalStackConfig } from "./config";
import { discoverRegionStacks } from "./regions";
import { findProjectRoot } from "./stack-files";

export function globalStack(cfg: GlobalStackConfig) {
  const { organization, project } = cfg.stackReferences;
  const regions = discoverRegionStacks(findProjectRoot(__dirname)).map((region) => {
    const ref = new pulumi.StackReference(`${organization}/${project}/${region.stackName}`);
    return {
      stack: region.stackName,
      awsRegion: region.awsRegion,
      signallingHostname: ref.getOutput("signallingHostname"),
      turnHostname: ref.getOutput("turnHostname"),
    };
  });
  return { domain: cfg.domain, regions };
}
