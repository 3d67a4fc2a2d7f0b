/**
 * Lint rules, including the layering the architecture promises (docs/ARCHITECTURE.md):
 * - components never import stacks/ or tools/; lib/ imports nothing of components/, stacks/ or tools/;
 * - tools/plan/ (the plan subsystem) imports nothing of tools/commands/ (what `npm run` runs);
 * - a component imports another capability only through its index.ts, never its internals
 *   (components/shared/ is for what several capabilities use);
 * - pure files (lib/, and every file of a capability but its index.ts) import no @pulumi/* package at run time
 *   (lib/pulumi-sdk-internals.js, plain JavaScript, requires the SDK only inside the functions that reach into it);
 * - no import cycles;
 * - a component's children name no provider: they inherit the component's (CONTRIBUTING.md, "Add a capability");
 * - no Pulumi Output in a plain template literal (@pulumi/eslint-plugin).
 */
const fs = require("fs");
const path = require("path");
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const importPlugin = require("eslint-plugin-import");
const pulumiPlugin = require("@pulumi/eslint-plugin");

const capabilities = fs
  .readdirSync(path.join(__dirname, "components"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "shared")
  .map((d) => d.name);

/** Files of components/shared that are Pulumi helpers (they create resources), not pure code. */
const sharedPulumiHelpers = [
  "components/shared/pod-identity-role.ts",
  "components/shared/draining-autoscaling.ts",
  "components/shared/node-role.ts",
];

module.exports = tseslint.config(
  {
    ignores: [
      "node_modules/**",
      ".plan/**",
      ".build/**",
      "reports/**",
      ".stryker-tmp/**",
      "k6/**",
      "examples/**/node_modules/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    plugins: { import: importPlugin },
    settings: { "import/resolver": { node: { extensions: [".ts", ".js", ".json"] } } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "import/no-cycle": "error",
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            { target: "./components", from: "./stacks", message: "components never import stacks/" },
            { target: "./components", from: "./tools", message: "components never import tools/" },
            {
              target: "./lib",
              from: ["./components", "./stacks", "./tools"],
              message: "lib/ holds cross-cutting pure code",
            },
            {
              target: "./tools/plan",
              from: "./tools/commands",
              message: "the plan subsystem imports no command: the commands use tools/plan/",
            },
            ...capabilities.flatMap((own) =>
              capabilities
                .filter((other) => other !== own)
                .map((other) => ({
                  target: `./components/${own}`,
                  from: `./components/${other}`,
                  except: ["./index.ts"],
                  message: `import ${other} through its index.ts, or move what both need to components/shared/`,
                })),
            ),
          ],
        },
      ],
    },
  },
  {
    // An Output inside a plain template literal renders as a warning text ("Calling [toString] on an [Output<T>]
    // is not supported"), never its value: use pulumi.interpolate or an apply. The rule reads types, so it runs
    // with the TypeScript project; on the program's source only (a test that made the mistake would fail anyway).
    files: ["index.ts", "stacks/**/*.ts", "components/**/*.ts", "lib/**/*.ts", "policy/**/*.ts", "tools/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    plugins: { "@pulumi": pulumiPlugin },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
    },
  },
  {
    files: ["lib/**/*.ts", "components/**/*.ts"],
    ignores: ["components/*/index.ts", ...sharedPulumiHelpers],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@pulumi/*"],
              allowTypeImports: true,
              message:
                "pure files import no Pulumi package at run time: move resource code to the capability's index.ts",
            },
          ],
        },
      ],
    },
  },
  {
    // A provider's resource class is reached through its namespace (`aws.ec2.SecurityGroup`, or the namespace's own
    // index `@pulumi/aws/ec2`), never by its own file: the plan and the tests load a namespace on first read
    // (lib/deferred-modules.js), and loading it is what lets the SDK rebuild a reference to one of its resources.
    files: ["**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "@pulumi/aws/*/*",
                "!@pulumi/aws/types/**",
                "@pulumi/kubernetes/*/*/*",
                "!@pulumi/kubernetes/types/**",
              ],
              message: "import the namespace (`@pulumi/aws`, `@pulumi/aws/ec2`), not a resource's own file",
            },
          ],
        },
      ],
    },
  },
  {
    // A component is a thin class over pure builders: its constructor registers resources in a few named steps,
    // and what those resources hold is computed by the capability's other files, which tests call directly. A
    // stack's wiring reads the same way: one function per part of the region, or of the global stack.
    files: ["components/*/index.ts", "stacks/region.ts", "stacks/global.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 100, skipBlankLines: true, skipComments: true, IIFEs: true }],
    },
  },
  {
    // The component takes its providers in its options (`providers`) and every child, given `{ parent: this }`,
    // inherits the one of its package: a `provider:` on a child would bypass that, and a forgotten one would not
    // show. A provider for another region (redis-hub-peering's hub) is the one exception, marked where it is.
    files: ["components/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "Property[key.name='provider'][value.type!='Literal']",
          message:
            "children inherit the component's providers: give them { parent: this } and take the provider through the component's options (`providers`), not its Args",
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        __dirname: "readonly",
        __filename: "readonly",
        process: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
