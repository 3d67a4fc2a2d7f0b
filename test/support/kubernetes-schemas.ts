/**
 * Validates Kubernetes objects strictly: against the models of the `kubernetes-models` packages, or against a
 * custom resource's own CRD schema.
 *
 * - Custom resources (Karpenter's, KEDA's, the Prometheus Operator's) are checked against the OpenAPI schema of
 *   their CRD at the release the platform installs, kept in test/support/crds: the third-party model packages
 *   lag those releases, or need a newer Node than the project's.
 * - Kubernetes' own kinds: the model by convention from apiVersion and kind, `kubernetes-models/<group>/<version>/
 *   <Kind>` (core objects: `kubernetes-models/v1/<Kind>`). A kind with neither a CRD file nor a model is
 *   reported, never skipped.
 * - Values: the model's own `validate()` (its compiled JSON schema: types, required fields, enums, patterns).
 * - Unknown fields: those compiled schemas accept any extra property (no `additionalProperties: false`),
 *   so a misspelt field would pass. The models' TypeScript declarations list every field, so each object
 *   is also walked against its model's declared type with the TypeScript compiler: a key the type does not
 *   declare (and that no index signature admits) is an error.
 *
 * The models are loaded with Node's own loader (`Module._load`), outside Jest's registry: once per worker process
 * rather than once per test file.
 */
import * as fs from "fs";
import * as path from "path";
import type * as TypeScript from "typescript";

const MODEL_PACKAGES = ["kubernetes-models"];

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  [key: string]: unknown;
}

interface ModelFiles {
  js: string;
  dts: string;
}

function packageDir(pkg: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`));
}

/** The model files for apiVersion+kind, or undefined if no package has that kind. */
export function modelFor(apiVersion: string, kind: string): ModelFiles | undefined {
  if (!/^[A-Za-z0-9]+$/.test(kind) || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return undefined;
  for (const pkg of MODEL_PACKAGES) {
    const base = path.join(packageDir(pkg), apiVersion, kind);
    if (fs.existsSync(`${base}.js`) && fs.existsSync(`${base}.d.ts`)) return { js: `${base}.js`, dts: `${base}.d.ts` };
  }
  return undefined;
}

type ModelClass = (new (data: unknown) => { validate(): void }) & { apiVersion: string; kind: string };

/** Node's own loader, outside Jest's registry: what it loads is evaluated once per worker process. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, by path or after mocks are set
const nodeLoad = (require("module") as { _load(request: string, parent: unknown, isMain: boolean): any })._load;

/**
 * The TypeScript compiler and the declaration files it has parsed, once per worker process rather than once per
 * test file: both are loaded outside Jest's registry, which would compile the 9 MB compiler and parse the same
 * declarations again for every file that validates objects.
 */
const ts = nodeLoad(require.resolve("typescript"), null, false) as typeof TypeScript;
const workerState = nodeLoad(path.join(__dirname, "worker-state.js"), null, false) as Map<string, unknown>;
if (!workerState.has("declarations")) workerState.set("declarations", new Map<string, TypeScript.SourceFile>());
const parsedDeclarations = workerState.get("declarations") as Map<string, TypeScript.SourceFile>;

function loadModel(files: ModelFiles, kind: string): ModelClass {
  return nodeLoad(files.js, null, false)[kind] as ModelClass;
}

/**
 * A strict checker for a set of kinds: one TypeScript program over their declarations, built once.
 * `check(object)` returns the problems found (empty when the object is valid).
 */
export class StrictValidator {
  private readonly checker: TypeScript.TypeChecker;
  private readonly program: TypeScript.Program;

  constructor(private readonly models: Map<string, ModelFiles>) {
    const options: TypeScript.CompilerOptions = {
      noEmit: true,
      skipLibCheck: true,
      types: [],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler, // follows the packages' "exports" to their .d.ts
    };
    // Declarations (the standard library's, the models') never change during a run: parse each one once.
    const host = ts.createCompilerHost(options);
    const parse = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      let parsed = parsedDeclarations.get(fileName);
      if (!parsed) {
        parsed = parse(fileName, languageVersion, ...rest);
        if (parsed) parsedDeclarations.set(fileName, parsed);
      }
      return parsed;
    };
    this.program = ts.createProgram([...new Set([...models.values()].map((m) => m.dts))], options, host);
    this.checker = this.program.getTypeChecker();
  }

  /** Problems with `obj`, each as `<path>: <what>`. */
  check(obj: KubernetesObject): string[] {
    const crd = CRD_SCHEMAS.find((c) => c.apiVersion === obj.apiVersion && c.kind === obj.kind);
    if (crd) {
      const problems: string[] = [];
      checkOpenApi(withDefaults(obj, crd.schema), crd.schema, "", problems);
      return problems;
    }
    const files = this.models.get(key(obj));
    if (!files) return [`${key(obj)}: no validator for this apiVersion and kind`];
    const problems: string[] = [];
    const Model = loadModel(files, obj.kind);
    if (Model?.apiVersion !== obj.apiVersion || Model?.kind !== obj.kind)
      return [`${key(obj)}: ${files.js} is not its model`];
    try {
      new Model(obj).validate();
    } catch (error) {
      problems.push(`schema: ${(error as Error).message}`);
    }
    const type = this.declaredType(files.dts, `I${obj.kind}`);
    if (!type) return [...problems, `${key(obj)}: ${files.dts} declares no I${obj.kind}`];
    this.walk(obj, type, "", problems);
    return problems;
  }

  private declaredType(dts: string, name: string): TypeScript.Type | undefined {
    const source = this.program.getSourceFile(dts);
    const moduleSymbol = source && this.checker.getSymbolAtLocation(source);
    const symbol = moduleSymbol && this.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
    return symbol && this.checker.getDeclaredTypeOfSymbol(symbol);
  }

  private walk(value: unknown, type: TypeScript.Type, at: string, problems: string[]): void {
    if (value === null || value === undefined) return;
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
    if (type.isUnion()) {
      const shapes = type.types.filter((t) => isStructured(t, this.checker));
      if (typeof value !== "object" || shapes.length === 0) return; // scalars: the schema checks them
      // The first shape the value fits; if none fits, report against the first.
      const attempts = shapes.map((shape) => {
        const found: string[] = [];
        this.walk(value, shape, at, found);
        return found;
      });
      problems.push(...(attempts.find((found) => found.length === 0) ?? attempts[0]));
      return;
    }
    if (Array.isArray(value)) {
      if (this.checker.isArrayType(type)) {
        const [element] = this.checker.getTypeArguments(type as TypeScript.TypeReference);
        value.forEach((item, i) => this.walk(item, element, `${at}[${i}]`, problems));
      }
      return;
    }
    if (typeof value !== "object" || !isStructured(type, this.checker)) return;
    const index = this.checker.getIndexInfoOfType(type, ts.IndexKind.String);
    for (const [field, child] of Object.entries(value as Record<string, unknown>)) {
      const where = at ? `${at}.${field}` : field;
      const property = this.checker.getPropertyOfType(type, field);
      if (property) this.walk(child, this.checker.getTypeOfSymbol(property), where, problems);
      else if (index) this.walk(child, index.type, where, problems);
      else problems.push(`${where}: unknown field`);
    }
  }
}

/** An object type or array (not a string, number, boolean or literal). */
function isStructured(type: TypeScript.Type, checker: TypeScript.TypeChecker): boolean {
  return (type.flags & ts.TypeFlags.Object) !== 0 || checker.isArrayType(type);
}

function key(obj: { apiVersion: string; kind: string }): string {
  return `${obj.apiVersion}/${obj.kind}`;
}

/** A validator for exactly the kinds in `objects`; kinds without a model are reported by `check`. */
export function validatorFor(objects: KubernetesObject[]): StrictValidator {
  const models = new Map<string, ModelFiles>();
  for (const obj of objects) {
    const files = modelFor(obj.apiVersion, obj.kind);
    if (files) models.set(key(obj), files);
  }
  return new StrictValidator(models);
}

/**
 * Custom resources with no model package: their CRD's OpenAPI schema (descriptions removed), copied from the
 * pinned release; each file's `source` names the repository, tag and file.
 */
interface CrdSchema {
  source: string;
  apiVersion: string;
  kind: string;
  schema: OpenApi;
}
interface OpenApi {
  type?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  properties?: Record<string, OpenApi>;
  additionalProperties?: OpenApi | boolean;
  items?: OpenApi;
  required?: string[];
  enum?: unknown[];
  anyOf?: OpenApi[];
  default?: unknown;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-validations"?: { rule: string; message?: string }[];
}
const CRD_SCHEMAS: CrdSchema[] = [
  "keda-scaledobject-v1alpha1.json",
  "karpenter-nodepool-v1.json",
  "karpenter-ec2nodeclass-v1.json",
  "prometheus-operator-podmonitor-v1.json",
  "prometheus-operator-prometheusrule-v1.json",
].map((file) => JSON.parse(fs.readFileSync(path.join(__dirname, "crds", file), "utf8")));

/**
 * The object as the API server validates it: a field the schema gives a `default` is filled in when absent, at every
 * level, before any check (Kubernetes docs, "Defaulting" under CustomResourceDefinitions: defaults apply when the
 * object is read from the request, before validation).
 */
function withDefaults(value: unknown, schema: OpenApi): any {
  if (Array.isArray(value)) return schema.items ? value.map((item) => withDefaults(item, schema.items!)) : value;
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [field, child] of Object.entries(value as Record<string, unknown>)) {
    const property =
      schema.properties?.[field] ??
      (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
    result[field] = property ? withDefaults(child, property) : child;
  }
  for (const [field, property] of Object.entries(schema.properties ?? {}))
    if (!(field in result) && property.default !== undefined)
      result[field] = withDefaults(structuredClone(property.default), property);
  return result;
}

/**
 * The CEL evaluator for CRD validation rules (`x-kubernetes-validations`): a real CEL implementation
 * (@marcbachmann/cel-js, ESM-only, so loaded with Node's loader) with the one Kubernetes extension these CRDs use
 * that it lacks, the regex library's `find` (the first match, or "" when there is none; k8s.io/apiserver
 * pkg/cel/library/regex.go).
 */
const cel = nodeLoad(require.resolve("@marcbachmann/cel-js"), null, false) as {
  Environment: new () => {
    registerVariable(name: string, type: string): any;
    registerFunction(signature: string, handler: (...args: any[]) => unknown): any;
    evaluate(expression: string, context: Record<string, unknown>): unknown;
  };
};
const celEnvironment = new cel.Environment()
  .registerVariable("self", "dyn")
  .registerFunction(
    "string.find(string): string",
    (text: string, pattern: string) => new RegExp(pattern).exec(text)?.[0] ?? "",
  );
/** A copy of a JSON value in Node's realm, which the evaluator accepts (test/support/main-realm.js). */
const mainRealm = nodeLoad(require.resolve("./main-realm.js"), null, false) as { parse(text: string): unknown };

/**
 * One validation rule on `self`, the value at its place in the object. A transition rule (one that reads
 * `oldSelf`) is evaluated only when an object is updated (Kubernetes docs, "Validation rules", transition rules);
 * these objects are checked as created, so it does not apply. A rule that fails to evaluate is reported.
 */
function checkRule(
  self: unknown,
  validation: { rule: string; message?: string },
  where: string,
  problems: string[],
): void {
  if (/\boldSelf\b/.test(validation.rule)) return;
  let result: unknown;
  try {
    result = celEnvironment.evaluate(validation.rule, { self: mainRealm.parse(JSON.stringify(self)) });
  } catch (error) {
    problems.push(`${where}: rule ${validation.rule} cannot be evaluated: ${(error as Error).message.split("\n")[0]}`);
    return;
  }
  if (result !== true) problems.push(`${where}: ${validation.message ?? `failed rule: ${validation.rule}`}`);
}

/**
 * Structural check of `value` against an OpenAPI v3 schema as the API server applies it: types, required, unknown
 * fields, enums, validation rules (CEL), and the value constraints (pattern, length, range, item and property counts) that
 * k8s.io/kube-openapi pkg/validation/validate (values.go) applies to custom resources. A pattern matches anywhere in the
 * string unless it is anchored (Go's regexp.MatchString), as RegExp.test does.
 */
function checkOpenApi(value: unknown, schema: OpenApi, at: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  const where = at || "(root)";
  for (const validation of schema["x-kubernetes-validations"] ?? []) checkRule(value, validation, where, problems);
  if (schema.enum && !schema.enum.includes(value))
    problems.push(`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.join(", ")}`);
  if (schema["x-kubernetes-int-or-string"]) {
    if (typeof value === "string") checkString(value, schema, where, problems);
    else if (!Number.isInteger(value)) problems.push(`${where}: expected an integer or a string`);
    return;
  }
  switch (schema.type) {
    case "string":
      if (typeof value !== "string") problems.push(`${where}: expected a string`);
      else checkString(value, schema, where, problems);
      return;
    case "integer":
      if (!Number.isInteger(value)) problems.push(`${where}: expected an integer`);
      else checkRange(value as number, schema, where, problems);
      return;
    case "number":
      if (typeof value !== "number") problems.push(`${where}: expected a number`);
      else checkRange(value, schema, where, problems);
      return;
    case "boolean":
      if (typeof value !== "boolean") problems.push(`${where}: expected a boolean`);
      return;
    case "array":
      if (!Array.isArray(value)) {
        problems.push(`${where}: expected an array`);
        return;
      }
      if (schema.minItems !== undefined && value.length < schema.minItems)
        problems.push(`${where}: fewer than ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems)
        problems.push(`${where}: more than ${schema.maxItems} items`);
      if (schema.items) value.forEach((item, i) => checkOpenApi(item, schema.items!, `${at}[${i}]`, problems));
      return;
    case "object": {
      if (typeof value !== "object" || Array.isArray(value)) {
        problems.push(`${where}: expected an object`);
        return;
      }
      const record = value as Record<string, unknown>;
      if (schema.maxProperties !== undefined && Object.keys(record).length > schema.maxProperties)
        problems.push(`${where}: more than ${schema.maxProperties} properties`);
      for (const field of schema.required ?? []) if (!(field in record)) problems.push(`${where}.${field}: required`);
      for (const [field, child] of Object.entries(record)) {
        const fieldAt = at ? `${at}.${field}` : field;
        const property = schema.properties?.[field];
        if (property) checkOpenApi(child, property, fieldAt, problems);
        else if (typeof schema.additionalProperties === "object")
          checkOpenApi(child, schema.additionalProperties, fieldAt, problems);
        else if (!schema.additionalProperties && !schema["x-kubernetes-preserve-unknown-fields"] && schema.properties)
          problems.push(`${fieldAt}: unknown field`);
      }
      return;
    }
  }
}

function checkString(value: string, schema: OpenApi, where: string, problems: string[]): void {
  const length = [...value].length; // characters, as Go's utf8.RuneCountInString
  if (schema.minLength !== undefined && length < schema.minLength)
    problems.push(`${where}: shorter than ${schema.minLength} characters`);
  if (schema.maxLength !== undefined && length > schema.maxLength)
    problems.push(`${where}: longer than ${schema.maxLength} characters`);
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
    problems.push(`${where}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
}

function checkRange(value: number, schema: OpenApi, where: string, problems: string[]): void {
  if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${where}: less than ${schema.minimum}`);
  if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${where}: more than ${schema.maximum}`);
}
