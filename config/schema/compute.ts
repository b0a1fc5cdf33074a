/** The compute tier of the config: the API, the worker pools and the analytics tier. */
import { z } from "zod";
import * as g from "../../policies/contract";
import {
    bytes,
    cpu,
    grammar,
    image,
    int,
    labelValue,
    perPool,
    port,
    probes,
    resources,
    shutdown,
    type WorkerPoolName,
} from "../primitives";

/** `api`: the API tier (Deployment, Service, HPA, PDB). */
export const api = z
    .strictObject({
        image: image().default("ghcr.io/sysmanage/sysmanage-api:2.4.1").describe("Pinned API image (tag or digest)."),
        port: port().default(8000).describe("Container port of the API (HTTP, /metrics and health endpoints)."),
        minReplicas: int(1, 1000).default(3).describe("HPA minReplicas (seed: 3)."),
        maxReplicas: int(1, 1000).default(50).describe("HPA maxReplicas (seed: 50)."),
        targets: z
            .strictObject({
                cpuUtilization: int(1, 100).default(70).describe("HPA CPU utilization target in % of requests (seed: 70)."),
                memoryUtilization: int(1, 100).default(80).describe("HPA memory utilization target in % of requests (seed: 80)."),
                requestsPerSecond: int(1, 1000000)
                    .default(100)
                    .describe("Pods metric http_requests_per_second target per pod (seed: 100)."),
                responseTimeP95: grammar((v) => g.positiveQuantityError(v, "seconds"))
                    .default("500m")
                    .describe("Pods metric response_time_p95 target in seconds as a quantity (seed: 500m = 500 ms)."),
            })
            .prefault({})
            .describe("API HPA targets."),
        resources: resources({ cpuRequest: "500m", memoryRequest: "512Mi", memoryLimit: "1Gi" }).describe("API pod resources."),
        probes: probes({ startupFailureThreshold: 30 }).describe("API probe timings."),
        shutdown: shutdown({ grace: 45, preStop: 10 }).describe("API graceful shutdown."),
    })
    .prefault({})
    .describe("The API tier (sysmanage-api): Deployment, Service, HPA, PDB.");

/** One worker pool: its image, HPA bounds and targets, and pod settings. */
const workerPool = (name: WorkerPoolName) =>
    z
        .strictObject({
            enabled: z.boolean().default(true).describe(`Deploy the ${name} worker pool.`),
            image: image().default("ghcr.io/sysmanage/sysmanage-worker:2.4.1").describe("Pinned worker image (tag or digest)."),
            minReplicas: int(0, 1000)
                .default(2)
                .describe("HPA minReplicas (seed: 2); 0 only with scaleToZero (a KEDA ScaledObject then scales the pool)."),
            maxReplicas: int(1, 1000).default(20).describe("HPA maxReplicas (seed: 20)."),
            scaleToZero: z
                .boolean()
                .default(false)
                .describe(
                    "Scale the pool to 0 pods while its queue is empty and back up on the first message (issue 17 #4): a KEDA ScaledObject replaces the HPA, minReplicas must be 0, and a spot pool then has no on-demand floor (docs/placement.md).",
                ),
            queueName: labelValue().default(name).describe("Value of the `queue` label of `sysmanage_queue_length` this pool consumes."),
            queueLengthPerPod: int(1, 100000)
                .default(10)
                .describe("Target per pod of the queue_length metric (an Object metric of the namespace, AverageValue; seed: 10)."),
            processingTimeSeconds: int(1, 86400)
                .default(30)
                .describe("Pods metric processing_time_avg target in seconds (AverageValue; seed: 30)."),
            port: port().default(8080).describe("Container port serving /metrics and the health endpoints."),
            resources: resources({ cpuRequest: "250m", memoryRequest: "256Mi", memoryLimit: "512Mi" }).describe("Worker pod resources."),
            probes: probes({ startupFailureThreshold: 24 }).describe("Worker probe timings."),
            shutdown: shutdown({ grace: 120, preStop: 5 }).describe("Worker graceful shutdown."),
            capacity: z
                .enum(["on-demand", "spot"])
                .default("on-demand")
                .describe(
                    "Node capacity of the pool: spot runs minReplicas in a Deployment pinned to on-demand nodes (`<name>-on-demand`) and the HPA's burst on spot nodes (placement.*).",
                ),
        })
        .prefault({})
        .describe(`The ${name} worker pool (Deployment + HPA + PDB).`);

/** `workers`: one pool per WORKER_POOLS entry. */
export const workers = perPool(workerPool).prefault({}).describe("Worker pools, each its own Deployment, HPA and PDB.");

/** `analytics`: the analytics tier, sized by its VPA. */
export const analytics = z
    .strictObject({
        enabled: z.boolean().default(true).describe("Deploy the analytics tier."),
        image: image().default("ghcr.io/sysmanage/sysmanage-analytics:2.4.1").describe("Pinned analytics image."),
        replicas: int(1, 100).default(2).describe("Analytics replicas (fixed: the VPA sizes pods, no HPA)."),
        port: port().default(8080).describe("Container port serving /metrics and the health endpoints."),
        resources: resources({ cpuRequest: "500m", memoryRequest: "1Gi", memoryLimit: "2Gi" }).describe(
            "Initial analytics resources (the VPA adjusts them).",
        ),
        vpa: z
            .strictObject({
                updateMode: z
                    .enum(["InPlaceOrRecreate", "Recreate", "Initial", "Off"])
                    .default("Recreate")
                    .describe(
                        "VPA update mode: Recreate is what the seed's deprecated Auto did; InPlaceOrRecreate (Kubernetes 1.33+) resizes in place when it can.",
                    ),
                minCpu: cpu().default("500m").describe("VPA minAllowed CPU (seed: 500m)."),
                minMemory: bytes().default("1Gi").describe("VPA minAllowed memory (seed: 1Gi)."),
                maxCpu: cpu().default("4").describe("VPA maxAllowed CPU (seed: 4)."),
                maxMemory: bytes().default("16Gi").describe("VPA maxAllowed memory (seed: 16Gi)."),
            })
            .prefault({})
            .describe("The analytics VerticalPodAutoscaler."),
        shutdown: shutdown({ grace: 300, preStop: 5 }).describe("Analytics graceful shutdown (long queries)."),
    })
    .prefault({})
    .describe("The analytics tier (sysmanage-analytics) with a VPA.");
