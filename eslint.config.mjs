// ESLint flat config: @eslint/js + typescript-eslint (type-checked) + @pulumi/eslint-plugin, with
// eslint-config-prettier last so that formatting is left to Prettier (`npm run format`).
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

/** The rules that follow an `any` through member accesses, calls, assignments, arguments and returns. */
const anyPropagation = [
    "@typescript-eslint/no-unsafe-argument",
    "@typescript-eslint/no-unsafe-assignment",
    "@typescript-eslint/no-unsafe-call",
    "@typescript-eslint/no-unsafe-member-access",
    "@typescript-eslint/no-unsafe-return",
];

/** Folders of pure code: no Pulumi SDK, not even through an import (config/index.ts is config's Pulumi entry). */
const PURE_FOLDERS = [
    "config/**/*.ts",
    "plan/**/*.ts",
    "lib/**/*.ts",
    "forecast/**/*.ts",
    "admission/**/*.ts",
    "policies/contract/**/*.ts",
];
/** `../config`, `../../config/index`: config/index.ts, which loads the Pulumi SDK (loadConfig). */
const CONFIG_ENTRY = "^\\.{1,2}/(.*/)?config(/index)?(\\.ts)?$";

/** What pure code may not import: the Pulumi SDK, the chart renderers, the config entry (`entry`, a regex), tools/ and components/. */
const pureImports = (entry) => [
    "error",
    {
        patterns: [
            {
                group: ["@pulumi/*", "@pulumi/**"],
                message:
                    "Pure modules must not load the Pulumi SDK: take plain data, and leave Pulumi to config/index.ts, components/ and stack/.",
            },
            {
                regex: entry,
                message:
                    "config/index.ts loads the Pulumi SDK (loadConfig): import the pure module you need (config/schema, config/parse, config/errors, config/stackFile, ...).",
            },
            {
                group: ["echarts", "echarts/*", "@resvg/*"],
                message:
                    "The forecast's charts are drawn by the CLI report (tools/forecast/chart.ts): the program's step must not load a renderer.",
            },
            {
                regex: "(^|/)(tools|components)(/|$)",
                message:
                    "Pure modules must not import tools/ (CLIs, the mock runtime) or components/ (Pulumi resources): move what both need into a pure module.",
            },
        ],
    },
];

export default defineConfig(
    globalIgnores(["out/", "**/node_modules/", "policies/node_modules/", "generated/", ".stryker-tmp/", "reports/"]),
    js.configs.recommended,
    tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: {
                // Type information for the type-aware rules, Pulumi's Output checks included; the root
                // tsconfig.json covers every .ts file (policies/ too).
                projectService: true,
                tsconfigRootDir: import.meta.dirname,
            },
        },
        linterOptions: { reportUnusedDisableDirectives: "error" },
        rules: {
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
            ],
            // node:test's test()/describe()/it() return promises that the runner itself awaits.
            "@typescript-eslint/no-floating-promises": [
                "error",
                {
                    allowForKnownSafeCalls: [
                        {
                            from: "package",
                            package: "node:test",
                            name: ["test", "it", "describe", "suite", "before", "after", "beforeEach", "afterEach"],
                        },
                    ],
                },
            ],
        },
    },
    {
        files: ["**/*.ts"],
        // The plugin ships rules only (no config to extend). An Output<T> in a plain template literal
        // stringifies to a warning text, not the value: use pulumi.interpolate or .apply().
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        // Code that walks untyped Kubernetes JSON on purpose: the policy pack (the engine hands rules
        // `props: any`, typed `Json` in policies/lib/k8s.ts), the render summary/validation tools and the
        // tests that inspect rendered or parsed YAML. Every access there is guarded at run time, so
        // following `any` through each member access would only add noise; `any` stays visible where
        // it is declared (no-explicit-any).
        files: ["policies/**/*.ts", "test/**/*.ts", "tools/render.ts", "tools/renderSummary.ts", "tools/validation.ts"],
        rules: Object.fromEntries(anyPropagation.map((r) => [r, "off"])),
    },
    {
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "warn" },
    },
    {
        // Pure code (habit 8): plain functions over plain data that `preview` and `up` compute alike and
        // unit tests run without the Pulumi runtime. This catches direct imports;
        // test/unit/repo/pureModules.test.ts catches transitive ones.
        files: PURE_FOLDERS,
        ignores: ["config/index.ts"],
        rules: { "no-restricted-imports": pureImports(CONFIG_ENTRY) },
    },
    {
        // Inside config/, `.`, `..` or `./index` is config/index.ts or a barrel that imports its importer.
        files: ["config/**/*.ts"],
        ignores: ["config/index.ts"],
        rules: { "no-restricted-imports": pureImports(`${CONFIG_ENTRY}|^\\.{1,2}(/\\.\\.)*(/index)?(\\.ts)?$`) },
    },
    {
        // Functions a reader takes in at once (issue 14): the program's code, not its tests or the
        // generated types. Blank lines and comments do not count.
        files: ["**/*.ts"],
        ignores: ["test/**", "generated/**"],
        rules: { "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }] },
    },
    {
        files: ["**/*.mjs"],
        extends: [tseslint.configs.disableTypeChecked],
    },
    prettier,
);
