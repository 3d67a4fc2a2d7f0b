/**
 * Runs a locally sent packet through iptables-restore input for the filter table, the way netfilter walks the
 * OUTPUT chain: rules in order, a jump to a user chain returns at its end or at RETURN, ACCEPT/DROP/REJECT end
 * the walk, the chain's policy (ACCEPT here) when nothing decides. It knows the matches the guard uses
 * (`-d <cidr>`, `-p`, `-m owner --uid-owner <uid>`) and throws on anything else, so a rule it cannot read fails
 * the test instead of being skipped. `-I <chain> [n]` inserts at the head (n=1), `-A` appends.
 */
import { inCidr } from "./network-policy";

interface Rule {
  destination?: string;
  protocol?: string;
  uidOwner?: number;
  target: string;
}

export interface Packet {
  uid: number;
  destination: string;
  protocol?: "tcp" | "udp";
}

export type Verdict = "ACCEPT" | "DROP" | "REJECT";

function parseRule(words: string[]): Rule {
  const rule: Partial<Rule> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === "-d") rule.destination = words[++i].includes("/") ? words[i] : `${words[i]}/32`;
    else if (word === "-p") rule.protocol = words[++i];
    else if (word === "-m" && words[i + 1] === "owner") i++;
    else if (word === "--uid-owner") rule.uidOwner = Number(words[++i]);
    else if (word === "-j") {
      rule.target = words[++i];
      if (rule.target === "REJECT" && words[i + 1] === "--reject-with") i += 2;
    } else throw new Error(`iptables evaluator: unknown word ${word} in "${words.join(" ")}"`);
  }
  if (!rule.target) throw new Error(`iptables evaluator: no target in "${words.join(" ")}"`);
  return rule as Rule;
}

/**
 * The filter table's chains from iptables-restore input (only the filter table is read). As iptables-restore,
 * it takes a rule only inside a `*table` ... `COMMIT` block: a table left without COMMIT is applied by nothing
 * (iptables-restore stops with "COMMIT expected"), and a line outside any table fails the restore.
 */
export function parseFilterTable(text: string): Map<string, Rule[]> {
  const chains = new Map<string, Rule[]>([
    ["INPUT", []],
    ["OUTPUT", []],
    ["FORWARD", []],
  ]);
  let table: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("*")) {
      if (table !== undefined) throw new Error(`iptables evaluator: ${line} before COMMIT of *${table}`);
      table = line.slice(1);
    } else if (table === undefined) throw new Error(`iptables evaluator: "${line}" outside a table`);
    else if (line === "COMMIT") table = undefined;
    else if (table !== "filter") continue;
    else if (line.startsWith(":")) chains.set(line.slice(1).split(" ")[0], []);
    else {
      const [command, chain, ...rest] = line.split(/\s+/);
      const rules = chains.get(chain);
      if (!rules) throw new Error(`iptables evaluator: no chain ${chain}`);
      if (command === "-A") rules.push(parseRule(rest));
      else if (command === "-I") {
        const position = /^\d+$/.test(rest[0]) ? Number(rest.shift()) : 1;
        rules.splice(position - 1, 0, parseRule(rest));
      } else throw new Error(`iptables evaluator: unknown command ${command}`);
    }
  }
  if (table !== undefined) throw new Error(`iptables evaluator: *${table} has no COMMIT`);
  return chains;
}

/** What the OUTPUT chain does with `packet`. */
export function outputVerdict(chains: Map<string, Rule[]>, packet: Packet): Verdict {
  const walk = (chain: string, depth: number): Verdict | "RETURN" | undefined => {
    if (depth > 10) throw new Error("iptables evaluator: jump loop");
    for (const rule of chains.get(chain) ?? []) {
      if (rule.destination && !inCidr(packet.destination, rule.destination)) continue;
      if (rule.protocol && rule.protocol !== (packet.protocol ?? "tcp")) continue;
      if (rule.uidOwner !== undefined && rule.uidOwner !== packet.uid) continue;
      if (rule.target === "RETURN") return "RETURN";
      if (rule.target === "ACCEPT" || rule.target === "DROP" || rule.target === "REJECT") return rule.target;
      if (!chains.has(rule.target)) throw new Error(`iptables evaluator: unknown target ${rule.target}`);
      const verdict = walk(rule.target, depth + 1);
      if (verdict !== undefined && verdict !== "RETURN") return verdict;
    }
    return undefined;
  };
  const verdict = walk("OUTPUT", 0);
  return verdict === undefined || verdict === "RETURN" ? "ACCEPT" : verdict;
}
