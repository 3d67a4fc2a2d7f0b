/**
 * Whether a resource or trust policy lets a request through, by the IAM evaluation rules for a request within one
 * account (IAM User Guide, "Policy evaluation logic": an explicit Deny wins; otherwise an Allow that matches
 * principal, action, resource and every condition). Only what the platform's own documents use is evaluated:
 * `*` and `?` wildcards in actions and resources, and the condition operators StringEquals, ArnLike and Bool
 * (each key matches if the request's value matches any of the listed ones; a key the request lacks never
 * matches). Any other element or operator throws, so a document that outgrows this evaluator fails its test
 * instead of passing it.
 */
import type { IamPolicyDocument, IamStatement } from "../../components/shared/iam-document";

export interface IamRequest {
  principal: { Service: string } | { AWS: string };
  action: string;
  /** The ARN acted on (an object's ARN is `<bucket ARN>/<key>`); omitted for a trust policy. */
  resource?: string;
  /** Condition keys and their values in the request: `aws:SourceAccount`, `aws:SecureTransport`, ... */
  context?: Record<string, string>;
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
  ArnLike: glob,
  Bool: (pattern, value) => pattern === value,
};

function conditionsMatch(condition: IamStatement["Condition"], context: Record<string, string>): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) => {
    const test = OPERATORS[operator];
    if (test === undefined) throw new Error(`condition operator ${operator} is not evaluated here`);
    return Object.entries(keys).every(
      ([key, patterns]) => key in context && list(patterns).some((pattern) => test(pattern, context[key])),
    );
  });
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
