import { awsAccessOf, awsProviderArgs, durationSeconds, sdkClientConfig } from "../../lib/aws-access";

const raw = {
  "aws:region": "ap-south-1",
  "aws:profile": "livekit-prod",
  "aws:assumeRoles": JSON.stringify([
    { roleArn: "arn:aws:iam::111111111111:role/hop", sessionName: "hop" },
    { roleArn: "arn:aws:iam::222222222222:role/deploy", sessionName: "deploy", externalId: "x-1", duration: "1h30m" },
  ]),
  "aws:defaultTags": JSON.stringify({ tags: { project: "livekit-platform", stack: "singapore" } }),
};

describe("how the stack reaches AWS outside its default provider", () => {
  it("reads the profile, the roles in order and the default tags from the stack's aws config", () => {
    const access = awsAccessOf(raw);
    expect(access.profile).toBe("livekit-prod");
    expect(access.assumeRoles?.map((r) => r.roleArn)).toEqual([
      "arn:aws:iam::111111111111:role/hop",
      "arn:aws:iam::222222222222:role/deploy",
    ]);
    expect(access.defaultTags).toEqual({ tags: { project: "livekit-platform", stack: "singapore" } });
    expect(awsAccessOf({ "aws:region": "ap-south-1" })).toEqual({});
  });

  it("gives another region's provider the same profile, roles and tags", () => {
    const access = awsAccessOf(raw);
    expect(awsProviderArgs(access, "ap-south-1")).toEqual({
      region: "ap-south-1",
      profile: "livekit-prod",
      assumeRoles: access.assumeRoles,
      defaultTags: access.defaultTags,
    });
  });

  it("assumes each role with the credentials of the one before, the first with the profile's", () => {
    const calls: unknown[] = [];
    const fake = (options: unknown) => {
      calls.push(options);
      return `credentials-${calls.length}`;
    };
    const config = sdkClientConfig(awsAccessOf(raw), "ap-south-1", fake);
    expect(config).toEqual({ region: "ap-south-1", profile: "livekit-prod", credentials: "credentials-2" });
    expect(calls).toEqual([
      {
        params: { RoleArn: "arn:aws:iam::111111111111:role/hop", RoleSessionName: "hop" },
        clientConfig: { region: "ap-south-1", profile: "livekit-prod" },
      },
      {
        params: {
          RoleArn: "arn:aws:iam::222222222222:role/deploy",
          RoleSessionName: "deploy",
          ExternalId: "x-1",
          DurationSeconds: 5400,
        },
        masterCredentials: "credentials-1",
        clientConfig: { region: "ap-south-1", profile: "livekit-prod" },
      },
    ]);
    // Without roles: the profile alone, the SDK's own credential chain.
    expect(sdkClientConfig({ profile: "p" }, "eu-central-1", fake)).toEqual({ region: "eu-central-1", profile: "p" });
  });

  it("reads Go durations", () => {
    expect(durationSeconds("15m")).toBe(900);
    expect(durationSeconds("1h")).toBe(3600);
    expect(durationSeconds("900s")).toBe(900);
    expect(durationSeconds("2h15m30s")).toBe(8130);
    expect(durationSeconds("1.5h")).toBe(5400);
    expect(durationSeconds("1.25h")).toBe(4500);
    for (const bad of ["an hour", "", "1h junk", "1h30", "500ms"]) {
      expect(() => durationSeconds(bad)).toThrow(`not a duration such as 1h or 15m: ${bad}`);
    }
  });

  it("passes the shared files and every setting of a role on, as the provider's own config has them", () => {
    const access = awsAccessOf({
      "aws:sharedConfigFiles": JSON.stringify(["/etc/aws/config"]),
      "aws:sharedCredentialsFiles": JSON.stringify(["/etc/aws/credentials", "~/.aws/credentials"]),
      "aws:assumeRoles": JSON.stringify([
        {
          roleArn: "arn:aws:iam::222222222222:role/deploy",
          sessionName: "deploy",
          policy: '{"Version":"2012-10-17","Statement":[]}',
          policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
          sourceIdentity: "ci",
          tags: { team: "media" },
          transitiveTagKeys: ["team"],
        },
      ]),
    });
    expect(access.sharedConfigFiles).toEqual(["/etc/aws/config"]);
    expect(access.sharedCredentialsFiles).toEqual(["/etc/aws/credentials", "~/.aws/credentials"]);
    expect(awsProviderArgs(access, "ap-southeast-1")).toEqual({
      region: "ap-southeast-1",
      sharedConfigFiles: ["/etc/aws/config"],
      sharedCredentialsFiles: ["/etc/aws/credentials", "~/.aws/credentials"],
      assumeRoles: access.assumeRoles,
    });
    const calls: any[] = [];
    sdkClientConfig(access, "ap-southeast-1", (options) => calls.push(options));
    expect(calls.map((c) => c.params)).toEqual([
      {
        RoleArn: "arn:aws:iam::222222222222:role/deploy",
        RoleSessionName: "deploy",
        Policy: '{"Version":"2012-10-17","Statement":[]}',
        PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
        SourceIdentity: "ci",
        Tags: [{ Key: "team", Value: "media" }],
        TransitiveTagKeys: ["team"],
      },
    ]);
  });

  it("reads only lists of files and roles, and default tags with their tags", () => {
    expect(
      awsAccessOf({
        "aws:sharedConfigFiles": "/etc/aws/config",
        "aws:assumeRoles": "arn:aws:iam::222222222222:role/deploy",
        "aws:defaultTags": JSON.stringify({ project: "livekit-platform" }),
      }),
    ).toEqual({});
  });
});
