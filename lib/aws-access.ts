/**
 * How the program reaches AWS besides the stack's default provider: the AWS provider of another region (a
 * global-rooms member's hub side) and the AWS SDK clients of the quota preflight. Both take the stack's `aws:*`
 * settings, so neither falls back to whatever credentials the environment holds when the stack file names a
 * profile or roles to assume. Pure: the caller passes the SDK's credential provider in.
 */

/** One `aws:assumeRoles` entry, as the Pulumi AWS provider reads it (ProviderAssumeRole, @pulumi/aws 7.48.0). */
export interface AssumeRole {
  roleArn: string;
  sessionName?: string;
  externalId?: string;
  /** A Go duration such as `1h` or `15m`. */
  duration?: string;
  policy?: string;
  policyArns?: string[];
  sourceIdentity?: string;
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
}

/** The stack's settings that decide how it reaches AWS, and the tags every AWS resource carries. */
export interface AwsAccess {
  profile?: string;
  sharedConfigFiles?: string[];
  sharedCredentialsFiles?: string[];
  /** Applied in order: each role is assumed with the credentials of the one before. */
  assumeRoles?: AssumeRole[];
  defaultTags?: { tags: Record<string, string> };
}

const decode = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * The access settings of a stack's raw config (`{"aws:profile": "prod", "aws:assumeRoles": "[...]"}`); the
 * stack file checks (stacks/stack-file-checks.ts) have accepted the keys, the provider validates their values.
 */
export function awsAccessOf(raw: Record<string, string>): AwsAccess {
  const access: AwsAccess = {};
  const profile = raw["aws:profile"];
  if (profile !== undefined) access.profile = profile;
  for (const key of ["sharedConfigFiles", "sharedCredentialsFiles"] as const) {
    const value = decode(raw[`aws:${key}`]);
    if (Array.isArray(value)) access[key] = value.map(String);
  }
  const roles = decode(raw["aws:assumeRoles"]);
  if (Array.isArray(roles)) access.assumeRoles = roles as AssumeRole[];
  const tags = decode(raw["aws:defaultTags"]) as { tags?: Record<string, string> } | undefined;
  if (tags?.tags !== undefined) access.defaultTags = { tags: tags.tags };
  return access;
}

/** The arguments of an AWS provider for `region` that reaches AWS as the stack's own provider does. */
export function awsProviderArgs(access: AwsAccess, region: string) {
  return {
    region,
    ...(access.profile !== undefined ? { profile: access.profile } : {}),
    ...(access.sharedConfigFiles !== undefined ? { sharedConfigFiles: access.sharedConfigFiles } : {}),
    ...(access.sharedCredentialsFiles !== undefined ? { sharedCredentialsFiles: access.sharedCredentialsFiles } : {}),
    ...(access.assumeRoles !== undefined ? { assumeRoles: access.assumeRoles } : {}),
    ...(access.defaultTags !== undefined ? { defaultTags: access.defaultTags } : {}),
  };
}

/** Seconds of a Go duration such as `1h30m` or `900s` (what the provider's `duration` takes). */
export function durationSeconds(duration: string): number {
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== duration) {
    throw new Error(`not a duration such as 1h or 15m: ${duration}`);
  }
  return parts.reduce((s, [, n, unit]) => s + Number(n) * { h: 3600, m: 60, s: 1 }[unit as "h" | "m" | "s"], 0);
}

/** What `fromTemporaryCredentials` (@aws-sdk/credential-providers) takes, as far as this program uses it. */
export interface TemporaryCredentialsOptions<C> {
  params: {
    RoleArn: string;
    RoleSessionName?: string;
    ExternalId?: string;
    DurationSeconds?: number;
    Policy?: string;
    PolicyArns?: { arn: string }[];
    SourceIdentity?: string;
    Tags?: { Key: string; Value: string }[];
    TransitiveTagKeys?: string[];
  };
  masterCredentials?: C;
  clientConfig?: { region?: string; profile?: string };
}

/**
 * An AWS SDK v3 client's configuration for `region` that reaches AWS as the stack's provider does: the profile
 * (the SDK reads the shared files itself), then each role of `aws:assumeRoles` assumed in turn, each with the
 * credentials of the one before. `fromTemporaryCredentials` is the SDK's.
 */
export function sdkClientConfig<C>(
  access: AwsAccess,
  region: string,
  fromTemporaryCredentials: (options: TemporaryCredentialsOptions<C>) => C,
): { region: string; profile?: string; credentials?: C } {
  const base = { region, ...(access.profile !== undefined ? { profile: access.profile } : {}) };
  let credentials: C | undefined;
  for (const role of access.assumeRoles ?? []) {
    credentials = fromTemporaryCredentials({
      params: {
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName,
        ...(role.externalId !== undefined ? { ExternalId: role.externalId } : {}),
        ...(role.duration !== undefined ? { DurationSeconds: durationSeconds(role.duration) } : {}),
        ...(role.policy !== undefined ? { Policy: role.policy } : {}),
        ...(role.policyArns !== undefined ? { PolicyArns: role.policyArns.map((arn) => ({ arn })) } : {}),
        ...(role.sourceIdentity !== undefined ? { SourceIdentity: role.sourceIdentity } : {}),
        ...(role.tags !== undefined ? { Tags: Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
        ...(role.transitiveTagKeys !== undefined ? { TransitiveTagKeys: role.transitiveTagKeys } : {}),
      },
      // The first role is assumed with the profile's (or the environment's) credentials.
      ...(credentials !== undefined ? { masterCredentials: credentials } : {}),
      clientConfig: base,
    });
  }
  return { ...base, ...(credentials !== undefined ? { credentials } : {}) };
}
