/**
 * Kubernetes resource quantities as the API server reads them (kubernetes/apimachinery pkg/api/resource
 * quantity.go): a signed decimal number with an optional binary (Ki..Ei), decimal (n, u, m, k, M, G, T, P, E) or
 * exponent (e3, E-2) suffix. Anything else, the empty string included, is no quantity: the API server refuses
 * the object.
 */
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The quantity's value in base units (bytes, cores); throws on a string the API server would refuse. */
export function quantityValue(quantity: unknown): number {
  const m = typeof quantity === "string" ? QUANTITY.exec(quantity) : null;
  if (!m) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(quantity)}`);
  const [, number, suffix = ""] = m;
  const scale = suffix === "" ? 1 : (SUFFIX[suffix] ?? 10 ** Number(suffix.slice(1)));
  return Number(number) * scale;
}
