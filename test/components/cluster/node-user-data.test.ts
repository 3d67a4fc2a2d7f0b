import { SFU_EPHEMERAL_PORTS, SFU_NODE_SYSCTLS, sfuBootScript } from "../../../components/cluster/node-user-data";

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
