/**
 * The livekit-platform policy pack: `pulumi preview --policy-pack policy`. The policies live in
 * ./policies.ts; this file only serves them (the PolicyPack constructor starts the analyzer's gRPC
 * server, so nothing else may import it).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("livekit-platform", { policies });
