/** The platform the workloads rely on: the metrics pipeline and image pinning by digest. */
import { z } from "zod";
import * as g from "../../policies/contract";
import { grammar, label, labels, optional, port } from "../primitives";

/** `metrics`: Prometheus, the custom-metrics adapter, the VPA and KEDA. */
export const metrics = z
    .strictObject({
        prometheusUrl: grammar((v) => g.httpUrlError(v))
            .default("http://kube-prometheus-stack-prometheus.monitoring.svc")
            .describe("Prometheus address the metrics adapter queries (scheme and host)."),
        prometheusPort: port().default(9090).describe("Prometheus port."),
        prometheusNamespace: label().default("monitoring").describe("Namespace of Prometheus; allowed to scrape the application pods."),
        prometheusPodLabels: labels()
            .default({ "app.kubernetes.io/name": "prometheus" })
            .describe("Labels of the Prometheus pods; only they may scrape the application pods."),
        monitorLabels: labels()
            .default({ release: "kube-prometheus-stack" })
            .describe("Labels on ServiceMonitor/PodMonitor objects so Prometheus selects them."),
        scrapeInterval: grammar(g.scrapeIntervalError).default("15s").describe("Scrape interval of the application pods."),
        alertRules: z
            .boolean()
            .default(true)
            .describe("Declare the PrometheusRule of the stack's alerts (autoscaling and data tier; runbooks in docs/runbooks.md)."),
        runbookBaseUrl: grammar((v) => g.httpUrlError(v, { port: true, path: true }))
            .default("https://github.com/sysmanage/sysmanage-scaling/blob/main/docs/runbooks.md")
            .describe(
                "Where the team reads docs/runbooks.md (an http(s) URL): each alert's runbook_url is this plus #<alert name in lower case>.",
            ),
        dashboards: z
            .boolean()
            .default(true)
            .describe(
                "Declare the Grafana dashboards (scaling, data tier) as ConfigMaps that Grafana's dashboard sidecar loads (docs/operations.md#dashboards).",
            ),
        dashboardLabels: labels()
            .default({ grafana_dashboard: "1" })
            .describe(
                "Labels on the dashboards' ConfigMaps so Grafana's sidecar loads them (its sidecar.dashboards.label and labelValue).",
            ),
        dashboardFolder: optional((v) => g.textError(v, 100))
            .default("SysManage")
            .describe(
                "Grafana folder of the dashboards: the ConfigMaps' grafana_folder annotation (read when the sidecar's folderAnnotation is grafana_folder); empty for none.",
            ),
        dashboardNamespace: optional(g.dnsLabelError)
            .default("")
            .describe("Namespace of the dashboards' ConfigMaps (one Grafana's sidecar searches); empty: the app namespace."),
        installAdapter: z
            .boolean()
            .default(true)
            .describe(
                "Install prometheus-adapter (the custom metrics API; it leaves external.metrics.k8s.io to KEDA); off when the cluster already has one.",
            ),
        adapterNamespace: label().default("monitoring").describe("Namespace of the prometheus-adapter release."),
        installVpa: z.boolean().default(true).describe("Install the Vertical Pod Autoscaler; off when the cluster already has it."),
        vpaNamespace: label().default("kube-system").describe("Namespace of the VPA release."),
        installKeda: z
            .boolean()
            .default(true)
            .describe(
                "Install KEDA when a worker pool scales to zero (workers.<pool>.scaleToZero); off when the cluster already has KEDA.",
            ),
        kedaNamespace: label().default("keda").describe("Namespace of the KEDA release."),
    })
    .prefault({})
    .describe("Metrics pipeline: Prometheus, the custom-metrics adapter, the VPA and KEDA.");

/** `images`: digests that pin the images the program runs by tag. */
export const images = z
    .strictObject({
        digests: z
            .record(
                grammar((r) =>
                    g.pinnedImageError(r) === undefined && !r.includes("@")
                        ? undefined
                        : "must be an image reference with a version tag (registry/name:tag, not latest, no digest)",
                ),
                grammar((d) => (g.isSha256Digest(d) ? undefined : "must be sha256:<64 lowercase hex digits>")),
            )
            .default({})
            .describe(
                "Digests of the images the program runs by tag (`<image>:<tag>` -> `sha256:...`): the data tier's, the operators' and the charts'. Each listed image is pinned as `<image>:<tag>@<digest>`; prod requires a digest for every image (policy wl-image-pinned).",
            ),
    })
    .prefault({})
    .describe("Image pinning by digest.");
