/**
 * Whether a resource or trust policy lets a request through, by the IAM evaluation rules for a request within one
 * account (IAM User Guide, "Policy evaluation logic": an explicit Deny wins; otherwise an Allow that matches
 * principal, action, resource and every condition). Only what the platform's own documents use is evaluated:
 * `*` and `?` wildcards in actions and resources, and the condition operators StringEquals, StringLike, ArnLike,
 * Bool and Null, with the `...IfExists` suffix and the `ForAllValues:` set prefix (IAM User Guide, "IAM JSON policy
 * elements: Condition operators" and "Set operators for multivalued context keys"): a single-valued key matches if
 * the request's value matches any of the listed ones, and a key the request lacks never matches, unless the
 * operator is `...IfExists` (then it does) or `Null` (which tests exactly that: "true" means absent);
 * `ForAllValues:` matches if every value of the request's multivalued key matches one listed, so a key the
 * request lacks matches too. Any other element or operator throws, so a document that outgrows this evaluator
 * fails its test instead of passing it.
 */
import type { IamPolicyDocument, IamStatement } from "../../components/shared/iam-document";

export interface IamRequest {
  principal: { Service: string } | { AWS: string };
  action: string;
  /** The ARN acted on (an object's ARN is `<bucket ARN>/<key>`); omitted for a trust policy. */
  resource?: string;
  /**
   * Condition keys and their values in the request: `aws:SourceAccount`, `aws:SecureTransport`, ...; a
   * multivalued key (`aws:TagKeys`) as a list.
   */
  context?: Record<string, string | string[]>;
}

const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const glob = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(value);

function principalMatches(p: IamStatement["Principal"], request: IamRequest): boolean {
  if (p === undefined) throw new Error("statement without Principal");
  if (p === "*") return true;
  const [kind, ids] = Object.entries(p)[0];
  const [requestKind, requestId] = Object.entries(request.principal)[0];
  return kind === requestKind && list(ids as string | string[]).includes(requestId);
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (pattern, value) => pattern === value,
  StringLike: glob,
  ArnLike: glob,
  Bool: (pattern, value) => pattern === value,
};

function keyMatches(operator: string, patterns: string[], value: string | string[] | undefined): boolean {
  if (operator === "Null") return patterns.some((pattern) => pattern === String(value === undefined));
  const forAllValues = operator.startsWith("ForAllValues:");
  const ifExists = operator.endsWith("IfExists");
  const name = operator.replace(/^ForAllValues:/, "").replace(/IfExists$/, "");
  const test = OPERATORS[name];
  if (test === undefined) throw new Error(`condition operator ${operator} is not evaluated here`);
  const matchesOne = (v: string) => patterns.some((pattern) => test(pattern, v));
  if (forAllValues) return list(value ?? []).every(matchesOne);
  if (value === undefined) return ifExists;
  if (Array.isArray(value)) throw new Error(`${operator} compares a single value, got a list`);
  return matchesOne(value);
}

function conditionsMatch(condition: IamStatement["Condition"], context: Record<string, string | string[]>): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, patterns]) => keyMatches(operator, list(patterns), context[key])),
  );
}

function statementMatches(s: IamStatement, request: IamRequest): boolean {
  for (const unsupported of ["NotAction", "NotResource", "NotPrincipal"] as const)
    if (unsupported in s) throw new Error(`${unsupported} is not evaluated here`);
  if (!principalMatches(s.Principal, request)) return false;
  if (!list(s.Action ?? []).some((a) => glob(a, request.action))) return false;
  if (s.Resource !== undefined) {
    if (request.resource === undefined) return false;
    if (!list(s.Resource).some((r) => glob(r, request.resource!))) return false;
  }
  return conditionsMatch(s.Condition, request.context ?? {});
}

/** "allowed", "denied" (an explicit Deny) or "not allowed" (no Allow matches: implicitly denied). */
export function evaluate(document: IamPolicyDocument, request: IamRequest): "allowed" | "denied" | "not allowed" {
  const matching = document.Statement.filter((s) => statementMatches(s, request));
  if (matching.some((s) => s.Effect === "Deny")) return "denied";
  return matching.some((s) => s.Effect === "Allow") ? "allowed" : "not allowed";
}
