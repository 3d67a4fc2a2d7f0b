/**
 * Properties of IAM resource policies, read the way IAM evaluates them rather than compared with a copy of the
 * statement: an explicit Deny wins over every Allow (IAM User Guide, "Policy evaluation logic").
 */

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

/** Every principal, anonymous ones included: `"*"` or `{ "AWS": "*" }`. */
const everyone = (principal: unknown): boolean =>
  principal === "*" ||
  (typeof principal === "object" && principal !== null && list((principal as any).AWS).includes("*"));

/**
 * A Deny that holds for any request made without TLS, and for no narrower set: its only condition is
 * `Bool: { aws:SecureTransport: false }` (a request over TLS has it true; IAM User Guide, "AWS global condition
 * context keys", aws:SecureTransport).
 */
const deniesWithoutTls = (s: Statement): boolean => {
  const operators = Object.entries(s.Condition ?? {});
  if (operators.length !== 1) return false;
  const [operator, keys] = operators[0];
  const entries = Object.entries(keys);
  return (
    operator === "Bool" &&
    entries.length === 1 &&
    entries[0][0] === "aws:SecureTransport" &&
    list(entries[0][1]).every((v) => v === "false")
  );
};

/**
 * What a resource policy leaves reachable over plain HTTP: for each of `resources` (exact ARNs) on which no
 * statement denies every action of `service` to every principal whenever the request is not over TLS, one line.
 * An empty list: nothing of them is reachable without TLS, whoever asks.
 */
export function insecureTransportGaps(
  policy: { Statement: Statement | Statement[] },
  service: string,
  resources: string[],
): string[] {
  const denials = [policy.Statement]
    .flat()
    .filter(
      (s) =>
        s.Effect === "Deny" &&
        s.NotPrincipal === undefined &&
        s.NotAction === undefined &&
        s.NotResource === undefined &&
        everyone(s.Principal) &&
        list(s.Action).some((a) => a === "*" || a === `${service}:*`) &&
        deniesWithoutTls(s),
    );
  return resources
    .filter((arn) => !denials.some((s) => list(s.Resource).some((r) => r === "*" || r === arn)))
    .map((arn) => `${arn}: no statement denies ${service}:* to every principal without TLS`);
}
