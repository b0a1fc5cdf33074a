/**
 * Cluster webhook checks of annotations (hibernation, pod patch, liveness pinger), image-volume
 * extensions and pod selector references at cloudnative-pg v1.30.0.
 */
import { posix } from "node:path";
import { cnpgInstancePod } from "../../policies/lib/operatorPods/cnpg";
import { decodeJsonPatch } from "../../policies/lib/operatorPods/jsonPatch";
import type { ClusterView } from "./clusterModel";
import { reservedEnv } from "./clusterManaged";
import { labelSelectorErrors } from "./k8sNames";
import { CLUSTER_WH, type Finding, list, opt, rec, type Rule, src, str, strList } from "./util";

type R = Rule<ClusterView>;
const f = (path: string, message: string): Finding => ({ path, message });

const annotations: R = {
    id: "cnpg/cluster-annotations",
    description:
        "cnpg.io/hibernation is on/off, cnpg.io/podPatch is a JSON patch that applies to the instance pod, alpha.cnpg.io/livenessPinger is valid JSON with `enabled`",
    source: src(CLUSTER_WH, 2830),
    fix: "correct or remove the annotation",
    check: (v) => {
        const a = v.annotations;
        const out: Finding[] = [];
        const h = a["cnpg.io/hibernation"];
        if (h !== undefined && h !== "on" && h !== "off")
            out.push(f("metadata.annotations.cnpg.io/hibernation", `${h}: Annotation value for hibernation should be "on" or "off"`));
        const patch = a["cnpg.io/podPatch"];
        if (patch !== undefined) {
            const decoded = decodeJsonPatch(patch);
            if ("error" in decoded) out.push(f("metadata.annotations.cnpg.io/podPatch", `error decoding JSON patch: ${decoded.error}`));
            else {
                const { error } = cnpgInstancePod({ metadata: { name: v.name, annotations: a }, spec: v.spec }, 1);
                if (error) out.push(f("metadata.annotations.cnpg.io/podPatch", `jsonpatch doesn't apply cleanly to the pod: ${error}`));
            }
        }
        const pinger = a["alpha.cnpg.io/livenessPinger"];
        if (pinger !== undefined) {
            let err: string | undefined;
            try {
                const cfg: unknown = JSON.parse(pinger);
                if (opt(cfg) === undefined && cfg !== null) err = "while unmarshalling pinger config: not a JSON object";
                else if (typeof rec(cfg).enabled !== "boolean") err = "pinger config is missing the enabled field";
            } catch (e) {
                err = `while unmarshalling pinger config: ${(e as Error).message}`;
            }
            if (err) out.push(f("metadata.annotations.alpha.cnpg.io/livenessPinger", `error decoding liveness pinger config: ${err}`));
        }
        return out;
    },
};

function pathListErrors(paths: string[], p: string): Finding[] {
    const seen = new Set<string>();
    return paths.flatMap((x, j) => {
        if (x === "") return [f(`${p}[${j}]`, "value cannot be empty")];
        if (seen.has(x)) return [f(`${p}[${j}]`, `Duplicate value: "${x}"`)];
        if (
            posix
                .normalize(x)
                .replace(/(.)\/$/, "$1")
                .startsWith("..")
        )
            return [f(`${p}[${j}]`, `${x}: path must not escape the extension directory`)];
        seen.add(x);
        return [];
    });
}

function extensionEnvErrors(envs: unknown[], base: string): Finding[] {
    const seen = new Set<string>();
    return envs.flatMap((x, i) => {
        const e = rec(x);
        const [name, value] = [str(e.name), str(e.value)];
        const p = `${base}.env[${i}]`;
        const out: Finding[] = [];
        if (reservedEnv(name)) out.push(f(`${p}.name`, `${name}: the usage of this environment variable is reserved for the operator`));
        if (name === "PATH" || name === "LD_LIBRARY_PATH")
            out.push(f(`${p}.name`, `${name} must be configured via ${base}.${name === "PATH" ? "bin_path" : "ld_library_path"}`));
        const unknown = [...value.matchAll(/(\$+)\{([^}]+)\}/g)]
            .filter((m) => m[1].length % 2 === 1 && m[2] !== "image_root")
            .map((m) => `\${${m[2]}}`);
        if (unknown.length) out.push(f(`${p}.value`, `unsupported placeholder(s): ${unknown.join(", ")}; supported: \${image_root}`));
        if (seen.has(name)) out.push(f(`${p}.name`, `Duplicate value: "${name}"`));
        seen.add(name);
        return out;
    });
}

const extensions: R = {
    id: "cnpg/cluster-extensions",
    description:
        "postgresql.extensions: unique non-empty names (also after '_'->'-'), an image reference without a catalog, safe unique paths, valid env",
    source: src(CLUSTER_WH, 2940),
    fix: "correct the extension entry in spec.postgresql.extensions",
    check: (v) => {
        const names = new Set<string>();
        const volumes = new Set<string>();
        return list(rec(v.spec.postgresql).extensions).flatMap((x, i) => {
            const e = rec(x);
            const name = str(e.name);
            const base = `spec.postgresql.extensions[${i}]`;
            if (name === "") return [f(`${base}.name`, "value cannot be empty")];
            if (names.has(name)) return [f(`${base}.name`, `Duplicate value: "${name}"`)];
            names.add(name);
            const out: Finding[] = [];
            const vol = `ext-${name.replaceAll("_", "-")}`;
            if (volumes.has(vol))
                out.push(
                    f(
                        `${base}.name`,
                        `extension name results in duplicate volume name "${vol}" after sanitization (underscores are converted to hyphens)`,
                    ),
                );
            volumes.add(vol);
            if (!opt(v.spec.imageCatalogRef) && !str(rec(e.image).reference))
                out.push(
                    f(
                        `${base}.image.reference`,
                        `Image reference for extension \`${name}\` must be set when no image catalog is configured`,
                    ),
                );
            for (const k of ["extension_control_path", "dynamic_library_path", "ld_library_path", "bin_path"])
                out.push(...pathListErrors(strList(e[k]), `${base}.${k}`));
            out.push(...extensionEnvErrors(list(e.env), base));
            return out;
        });
    },
};

const podSelectorRefs: R = {
    id: "cnpg/cluster-pod-selector-refs",
    description: "podSelectorRefs have unique names and valid selectors; pg_hba ${podselector:NAME} references exist, one per line",
    source: src(CLUSTER_WH, 3092),
    fix: "declare the selector in spec.podSelectorRefs or correct the pg_hba line",
    check: (v) => {
        const out: Finding[] = [];
        const known = new Set<string>();
        list(v.spec.podSelectorRefs).forEach((x, i) => {
            const r = rec(x);
            const name = str(r.name);
            if (known.has(name)) out.push(f(`spec.podSelectorRefs[${i}].name`, `Duplicate value: "${name}"`));
            known.add(name);
            out.push(...labelSelectorErrors(r.selector, `spec.podSelectorRefs[${i}].selector`).map(([p, m]) => f(p, m)));
        });
        strList(rec(v.spec.postgresql).pg_hba).forEach((line, i) => {
            let count = 0;
            for (const m of line.matchAll(/\$\{([^:]+):([^}]+)\}/g)) {
                if (m[1] !== "podselector") return void out.push(f(`spec.postgresql.pg_hba[${i}]`, `unknown descriptor type: ${m[1]}`));
                count++;
                if (!known.has(m[2])) return void out.push(f(`spec.postgresql.pg_hba[${i}]`, `pod selector not found: ${m[2]}`));
            }
            if (count > 1) out.push(f(`spec.postgresql.pg_hba[${i}]`, "at most one podselector reference is allowed per line"));
        });
        return out;
    },
};

/** The annotation/extension/selector rules. */
export const EXTRA_RULES: readonly R[] = [annotations, extensions, podSelectorRefs];
