import { fisRolePolicy } from "../../../components/chaos/iam";

describe("the FIS role policy", () => {
  it("adds the log statements only with logging", () => {
    const scope = {
      partition: "aws",
      region: "ap-south-1",
      accountId: "1",
      clusterName: "c",
      sfuNodePoolName: "sfu",
    };
    expect(fisRolePolicy({ ...scope, logging: false }).Statement.map((s) => s.Sid)).not.toContain("ExperimentLogs");
    expect(fisRolePolicy({ ...scope, logging: true }).Statement.map((s) => s.Sid)).toContain("ExperimentLogs");
  });
});
