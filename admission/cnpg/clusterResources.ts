/**
 * Cluster webhook checks of scheduling, resources, tablespaces and external clusters at
 * cloudnative-pg v1.30.0 (internal/webhook/v1/cluster_webhook.go).
 */
import type { ClusterView } from "./clusterModel";
import { labelValueErrors, qualifiedNameErrors } from "./k8sNames";
import { parsePgSize, quantityOrZero } from "./quantity";
import { CLUSTER_WH, type Finding, list, opt, rec, type Rule, src, str } from "./util";

type R = Rule<ClusterView>;
const f = (path: string, message: string): Finding => ({ path, message });
const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

const tolerations: R = {
    id: "cnpg/cluster-tolerations",
    description: "spec.affinity.tolerations are valid Kubernetes tolerations",
    source: src(CLUSTER_WH, 2189),
    fix: "correct the toleration (key, operator Equal/Exists, value, effect)",
    check: (v) =>
        list(rec(v.spec.affinity).tolerations).flatMap((x, i) => {
            const t = rec(x);
            const p = `spec.affinity.tolerations[${i}]`;
            const [key, op, value, effect] = [str(t.key), str(t.operator), str(t.value), str(t.effect)];
            const out: Finding[] = [];
            if (key) for (const e of qualifiedNameErrors(key)) out.push(f(`${p}.key`, `${key}: ${e}`));
            if (!key && op !== "Exists")
                out.push(f(`${p}.operator`, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
            if (t.tolerationSeconds != null && effect !== "NoExecute")
                out.push(f(`${p}.effect`, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            if (op === "Equal" || op === "") out.push(...labelValueErrors(value).map((e) => f(`${p}.operator`, `${value}: ${e}`)));
            else if (op === "Exists") {
                if (value) out.push(f(`${p}.operator`, "value must be empty when `operator` is 'Exists'"));
            } else out.push(f(`${p}.operator`, `Unsupported value: "${op}": supported values: "Equal", "Exists"`));
            if (effect && !EFFECTS.includes(effect))
                out.push(
                    f(`${p}.effect`, `Unsupported value: "${effect}": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`),
                );
            return out;
        }),
};

const antiAffinity: R = {
    id: "cnpg/cluster-anti-affinity-type",
    description: "affinity.podAntiAffinityType is preferred or required",
    source: src(CLUSTER_WH, 2276),
    fix: "use `preferred` or `required`",
    check: (v) => {
        const t = str(rec(v.spec.affinity).podAntiAffinityType);
        return ["", "preferred", "required"].includes(t)
            ? []
            : [f("spec.affinity.podAntiAffinityType", `${t}: pod anti-affinity type must be 'preferred' (default if empty) or 'required'`)];
    },
};

const resources: R = {
    id: "cnpg/cluster-resources",
    description: "requests <= limits (cpu, memory, ephemeral-storage), hugepages requests = limits, memory request >= shared_buffers",
    source: src(CLUSTER_WH, 829),
    fix: "keep requests at or below limits and the memory request above shared_buffers (postgres.memory in Pulumi.<stack>.yaml)",
    check: (v) => {
        const res = rec(v.spec.resources);
        const [req, lim] = [rec(res.requests), rec(res.limits)];
        const out: Finding[] = [];
        const over = (k: string, path: string, what: string): void => {
            const [r, l] = [quantityOrZero(req[k]), quantityOrZero(lim[k])];
            if (r !== 0 && l !== 0 && r > l)
                out.push(f(path, `${str(req[k])} > ${str(lim[k])}: ${what} request is greater than the limit`));
        };
        over("cpu", "spec.resources.requests.cpu", "CPU");
        over("memory", "spec.resources.requests.memory", "Memory");
        const huge = new Map<string, number>();
        for (const [k, q] of Object.entries(lim)) if (k.startsWith("hugepages-")) huge.set(k, quantityOrZero(q));
        for (const [k, q] of Object.entries(req)) {
            if (!k.startsWith("hugepages-")) continue;
            const existing = huge.get(k);
            if (existing === undefined) huge.set(k, quantityOrZero(q));
            else if (existing !== quantityOrZero(q))
                out.push(f(`spec.resources.requests.${k}`, `${str(q)}: HugePages requests must equal the limits`));
        }
        const mem = quantityOrZero(req.memory);
        if ([req.cpu, lim.cpu, req.memory, lim.memory].every((q) => quantityOrZero(q) === 0) && huge.size > 0)
            out.push(f("spec.resources", "HugePages require cpu or memory"));
        const sb = parsePgSize(v.params.shared_buffers ?? "");
        if (sb !== undefined && mem !== 0 && sb > mem && ![...huge.values()].some((h) => sb <= h))
            out.push(
                f(
                    "spec.resources.requests",
                    `memory ${str(req.memory)} < shared_buffers ${v.params.shared_buffers}: Memory request is lower than PostgreSQL \`shared_buffers\` value`,
                ),
            );
        over("ephemeral-storage", "spec.resources.requests.storage", "Ephemeral storage");
        return out;
    },
};

/** `VolumeMountNameForTablespace` (pkg/specs/volumes.go:89). */
const tablespaceVolume = (name: string): string =>
    `tbs-${(name.startsWith("_") ? `1${name.slice(1)}` : name).replaceAll("$", "-").replaceAll("_", "-").toLowerCase()}`;

const tablespaces: R = {
    id: "cnpg/cluster-tablespaces",
    description:
        "tablespace names are unique, valid, not pg_*, distinct after volume-name sanitisation; snapshot classes name declared tablespaces",
    source: src(CLUSTER_WH, 1859),
    fix: "rename the tablespace (a PostgreSQL identifier not starting with pg_) or declare it in spec.tablespaces",
    check: (v) => {
        const out: Finding[] = [];
        const seen = new Set<string>();
        const volumes = new Set<string>();
        list(v.spec.tablespaces).forEach((x, i) => {
            const name = str(rec(x).name);
            const p = `spec.tablespaces[${i}]`;
            if (seen.has(name.toLowerCase())) return void out.push(f(p, `${name}: duplicate tablespace name`));
            seen.add(name.toLowerCase());
            if (name.startsWith("pg_")) out.push(f(p, "tablespace names beginning 'pg_' are reserved for Postgres"));
            else if (!/^[a-zA-Z_][a-zA-Z0-9_$]*$/.test(name))
                out.push(
                    f(
                        p,
                        "tablespace names must be valid Postgres identifiers: alphanumeric characters, '_', '$', and must start with a letter or an underscore",
                    ),
                );
            else if (name.length > 63) out.push(f(p, "the maximum length of an identifier is 63 characters"));
            const vol = tablespaceVolume(name);
            if (volumes.has(vol))
                out.push(
                    f(
                        p,
                        `tablespace name results in duplicate volume name "${vol}" after sanitization (special characters are converted to hyphens)`,
                    ),
                );
            volumes.add(vol);
        });
        const classes = rec(rec(rec(v.spec.backup).volumeSnapshot).tablespaceClassName);
        const declared = new Set(list(v.spec.tablespaces).map((t) => str(rec(t).name)));
        for (const name of Object.keys(classes))
            if (!declared.has(name))
                out.push(
                    f(
                        "spec.backup.volumeSnapshot.tablespaceClassName",
                        `specified the VolumeSnapshot backup configuration for the tablespace: ${name}, but it can't be found in the '.spec.tablespaces' stanza`,
                    ),
                );
        return out;
    },
};

const unsafe = (s: string): boolean => s === "." || s === ".." || /[/\\]/.test(s);

const externalClusters: R = {
    id: "cnpg/cluster-external-clusters",
    description:
        "externalClusters have unique names, one of connectionParameters/barmanObjectStore/plugin, and path-safe names and secret selectors",
    source: src(CLUSTER_WH, 1925),
    fix: "give each external cluster a unique, path-safe name and a way to reach it",
    check: (v) => {
        const all = list(v.spec.externalClusters).map(rec);
        const out: Finding[] = all.flatMap((e, i) => {
            const p = `spec.externalClusters[${i}]`;
            const r: Finding[] = [];
            if (!opt(e.connectionParameters) && !opt(e.barmanObjectStore) && !opt(e.plugin))
                r.push(f(p, "one of connectionParameters, plugin and barmanObjectStore is required"));
            const msg = "cannot contain a path separator or a '..' component";
            if (unsafe(str(e.name))) r.push(f(`${p}.name`, `${str(e.name)}: ${msg}`));
            for (const sel of ["sslCert", "sslKey", "sslRootCert"]) {
                const s = opt(e[sel]);
                if (!s) continue;
                if (unsafe(str(s.name))) r.push(f(`${p}.${sel}.name`, `${str(s.name)}: ${msg}`));
                if (unsafe(str(s.key))) r.push(f(`${p}.${sel}.key`, `${str(s.key)}: ${msg}`));
            }
            return r;
        });
        if (new Set(all.map((e) => str(e.name))).size !== all.length)
            out.push(f("spec.externalClusters", "the list of external clusters contains duplicate values"));
        return out;
    },
};

/** The scheduling/resources rules. */
export const RESOURCE_RULES: readonly R[] = [tablespaces, externalClusters, tolerations, antiAffinity, resources];
