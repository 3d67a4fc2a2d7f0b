/**
 * The SFU nodes' user data (components/cluster/node-user-data.ts): the kernel settings, the instance metadata guard
 * as iptables-restore and systemd read it, the boot script run by bash with stand-in sysctl and systemctl, and the
 * MIME document cloud-init takes it from. That Karpenter's SFU node class carries it: cluster.plan.test.ts and
 * security-baseline.plan.test.ts.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  INSTANCE_METADATA_ADDRESS,
  INSTANCE_METADATA_GUARD_UNIT,
  INSTANCE_METADATA_RULES_FILE,
  instanceMetadataGuardRules,
  instanceMetadataGuardUnit,
  SFU_EPHEMERAL_PORTS,
  SFU_NODE_SYSCTLS,
  SFU_SYSCTL_FILE,
  sfuBootScript,
  sfuNodeUserData,
} from "../../../components/cluster/node-user-data";
import { NODE_ADDRESS_READER_UID } from "../../../components/shared/node-address";
import { outputVerdict, parseFilterTable } from "../../support/iptables";

describe("SFU node kernel settings", () => {
  const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
    a.start <= b.end && b.start <= a.end;

  it("keeps the kernel's ephemeral ports out of LiveKit's ICE range, Coturn's relay range and NodePorts", () => {
    expect(SFU_NODE_SYSCTLS["net.ipv4.ip_local_port_range"]).toBe(
      `${SFU_EPHEMERAL_PORTS.start} ${SFU_EPHEMERAL_PORTS.end}`,
    );
    expect(sfuBootScript()).toContain("net.ipv4.ip_local_port_range = 32768 39999\n");
    expect(overlaps(SFU_EPHEMERAL_PORTS, { start: 50000, end: 60000 })).toBe(false); // rtc.udpPortRange default
    expect(overlaps(SFU_EPHEMERAL_PORTS, { start: 40000, end: 49999 })).toBe(false); // turn.relayPortRange default
    expect(overlaps(SFU_EPHEMERAL_PORTS, { start: 30000, end: 32767 })).toBe(false); // Kubernetes NodePorts
    expect(SFU_EPHEMERAL_PORTS.end - SFU_EPHEMERAL_PORTS.start + 1).toBeGreaterThanOrEqual(4096);
  });

  it("raises only the buffer maxima to 16 MiB and keeps the defaults modest", () => {
    expect(SFU_NODE_SYSCTLS["net.core.rmem_max"]).toBe(16 * 1024 * 1024);
    expect(SFU_NODE_SYSCTLS["net.core.wmem_max"]).toBe(16 * 1024 * 1024);
    expect(SFU_NODE_SYSCTLS["net.core.rmem_default"]).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(SFU_NODE_SYSCTLS["net.core.wmem_default"]).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});

describe("the instance metadata guard's rules", () => {
  const metadata = (uid: number, rules = instanceMetadataGuardRules()) =>
    outputVerdict(parseFilterTable(rules), { uid, destination: INSTANCE_METADATA_ADDRESS });

  it("let root and the node-address reader reach instance metadata and reject every other user at once", () => {
    expect(metadata(0)).toBe("ACCEPT");
    expect(metadata(NODE_ADDRESS_READER_UID)).toBe("ACCEPT");
    // LiveKit and Coturn run as nobody; REJECT, not DROP: a client gives up at once instead of timing out.
    expect(metadata(65534)).toBe("REJECT");
    expect(metadata(1000)).toBe("REJECT");
    // Everything else keeps its traffic: the guard matches metadata's address only.
    const chains = parseFilterTable(instanceMetadataGuardRules());
    expect(outputVerdict(chains, { uid: 65534, destination: "10.20.2.50" })).toBe("ACCEPT");
    expect(outputVerdict(chains, { uid: 65534, destination: "169.254.169.253" })).toBe("ACCEPT");
  });

  it("stand first in OUTPUT, added to what is there (--noflush), whatever accepts traffic after them", () => {
    // What kube-proxy or the VPC CNI may have put in OUTPUT before the guard loads.
    const existing = "*filter\n-A OUTPUT -j ACCEPT\nCOMMIT\n";
    expect(metadata(65534, existing + instanceMetadataGuardRules())).toBe("REJECT");
    expect(metadata(0, existing + instanceMetadataGuardRules())).toBe("ACCEPT");
  });

  it("are one committed filter table, nothing outside it (iptables-restore applies a table at its COMMIT)", () => {
    const lines = instanceMetadataGuardRules().split("\n");
    expect(lines[0]).toBe("*filter");
    expect(lines.slice(-2)).toEqual(["COMMIT", ""]);
    expect(() => parseFilterTable(instanceMetadataGuardRules())).not.toThrow();
  });
});

/** A systemd unit file's sections as `{ section: { key: [values] } }`; a line systemd would ignore throws. */
function readUnit(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let section: Record<string, string[]> | undefined;
  for (const line of text.split("\n")) {
    if (line === "" || /^[#;]/.test(line)) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    const setting = /^(\w+)=(.*)$/.exec(line);
    if (header) section = sections[header[1]] = {};
    // systemd.syntax(7): any other line is logged and ignored, so the setting it was meant to be is lost.
    else if (!setting || !section) throw new Error(`systemd would ignore the line "${line}"`);
    else (section[setting[1]] ??= []).push(...setting[2].split(/\s+/));
  }
  return sections;
}

describe("the guard's systemd unit", () => {
  it("loads the rules file once per boot, before containerd and the kubelet start, and the kubelet requires it", () => {
    const unit = readUnit(instanceMetadataGuardUnit());
    expect(unit.Unit.Before).toEqual(expect.arrayContaining(["containerd.service", "kubelet.service"]));
    // Type=oneshot: started only once iptables-restore has exited; RemainAfterExit: it then stays active, so a
    // kubelet restart (which requires it) does not load the rules again (systemd.service(5)).
    expect(unit.Service).toMatchObject({ Type: ["oneshot"], RemainAfterExit: ["yes"] });
    const [program, ...args] = unit.Service.ExecStart;
    expect(program).toBe("/sbin/iptables-restore");
    expect(args).toEqual(["--wait", "5", "--noflush", INSTANCE_METADATA_RULES_FILE]);
    expect(unit.Install).toEqual({ WantedBy: ["multi-user.target"], RequiredBy: ["kubelet.service"] });
  });
});

describe("the SFU boot script, run by bash", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "sfu-boot-"));
    // What the node image has; the guard's own folder it has not.
    for (const dir of ["etc/sysctl.d", "etc/systemd/system", "bin"]) mkdirSync(join(root, dir), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Runs the script as cloud-init does (the file itself, by its #! line), /etc under `root`, sysctl and systemctl stand-ins. */
  function boot(failing: string[] = []) {
    const calls = join(root, "calls");
    writeFileSync(calls, "");
    for (const name of ["sysctl", "systemctl"]) {
      const status = failing.includes(name) ? 1 : 0;
      writeFileSync(join(root, "bin", name), `#!/bin/sh\necho "${name} $*" >> ${calls}\nexit ${status}\n`);
      chmodSync(join(root, "bin", name), 0o755);
    }
    const script = join(root, "boot.sh");
    writeFileSync(script, sfuBootScript().replaceAll("/etc/", `${root}/etc/`));
    chmodSync(script, 0o755);
    const run = spawnSync(script, [], { encoding: "utf8", env: { PATH: `${join(root, "bin")}:/usr/bin:/bin` } });
    const onNode = (path: string) => join(root, path);
    return { run, calls: readFileSync(calls, "utf8").split("\n").filter(Boolean), onNode };
  }

  it("writes the kernel settings, the guard's rules and unit, and starts the guard, in that order", () => {
    const { run, calls, onNode } = boot();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(calls).toEqual([
      `sysctl -p ${onNode(SFU_SYSCTL_FILE)}`,
      "systemctl daemon-reload",
      `systemctl enable --now ${INSTANCE_METADATA_GUARD_UNIT}`,
    ]);
    // sysctl.conf(5): `token = value` lines, read again at every boot from /etc/sysctl.d.
    const settings = readFileSync(onNode(SFU_SYSCTL_FILE), "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => line.split(/\s*=\s*/));
    expect(Object.fromEntries(settings)).toEqual(
      Object.fromEntries(Object.entries(SFU_NODE_SYSCTLS).map(([k, v]) => [k, String(v)])),
    );
    // The unit loads the file the script wrote, which holds the guard's rules.
    const unit = readUnit(readFileSync(onNode(`/etc/systemd/system/${INSTANCE_METADATA_GUARD_UNIT}`), "utf8"));
    const rulesFile = unit.Service.ExecStart.at(-1) as string;
    expect(rulesFile).toBe(onNode(INSTANCE_METADATA_RULES_FILE));
    const rules = readFileSync(rulesFile, "utf8");
    expect(rules).toBe(instanceMetadataGuardRules());
    expect(outputVerdict(parseFilterTable(rules), { uid: 65534, destination: INSTANCE_METADATA_ADDRESS })).toBe(
      "REJECT",
    );
    expect(unit).toEqual(readUnit(instanceMetadataGuardUnit().replaceAll("/etc/", `${root}/etc/`)));
    expect(existsSync(onNode("etc/livekit-platform"))).toBe(true);
  });

  it("stops at the first step that fails, so cloud-init reports the boot as failed", () => {
    const { run, calls } = boot(["sysctl"]);
    expect(run.status).not.toBe(0);
    expect(calls).toHaveLength(1);
  });
});

/** The parts of a MIME multipart document (RFC 2046 5.1.1), each with its headers; anything malformed throws. */
function mimeParts(document: string): { headers: Record<string, string>; body: string }[] {
  const headersOf = (block: string) =>
    Object.fromEntries(
      block.split("\n").map((line) => {
        const header = /^([\w-]+): (.+)$/.exec(line);
        if (!header) throw new Error(`no header line: "${line}"`);
        return [header[1].toLowerCase(), header[2]];
      }),
    );
  const [head, ...rest] = document.split("\n\n");
  const headers = headersOf(head);
  expect(headers["mime-version"]).toBe("1.0");
  const boundary = /^multipart\/mixed; boundary="([^"]+)"$/.exec(headers["content-type"])?.[1];
  if (!boundary) throw new Error(`not multipart: ${headers["content-type"]}`);
  const body = rest.join("\n\n");
  // The line break before a delimiter belongs to the delimiter; what follows the closing one is ignored.
  const close = body.indexOf(`\n--${boundary}--\n`);
  if (!body.startsWith(`--${boundary}\n`) || close < 0) throw new Error("no opening or closing delimiter");
  return body
    .slice(0, close)
    .split(new RegExp(`^--${boundary}\\n`, "m"))
    .slice(1)
    .map((part) => {
      const split = part.indexOf("\n\n");
      if (split < 0) throw new Error("a part without a blank line after its headers");
      return { headers: headersOf(part.slice(0, split)), body: part.slice(split + 2).replace(/\n$/, "") };
    });
}

describe("the SFU nodes' user data", () => {
  it("is one MIME part cloud-init runs as a shell script: the boot script", () => {
    // Karpenter adds its NodeConfig part to this document; cloud-init runs text/x-shellscript parts.
    const parts = mimeParts(sfuNodeUserData());
    expect(parts).toEqual([
      { headers: { "content-type": 'text/x-shellscript; charset="us-ascii"' }, body: sfuBootScript().trimEnd() },
    ]);
    expect(sfuNodeUserData().endsWith("--\n")).toBe(true);
  });
});
