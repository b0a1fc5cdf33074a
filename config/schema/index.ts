/**
 * The config schema: one typed description of every key, composed from one file per tier.
 *
 * Pulumi replaces a structured key wholesale when a stack file sets it, so every field has its
 * default here and a stack file only lists what differs; `Pulumi.yaml` repeats the defaults so
 * `pulumi config` shows them (`npm run docs:config` writes them, a test keeps the two equal).
 */
import { z } from "zod";
import { cluster, environment, namespace, zones } from "./cluster";
import { analytics, api, workers } from "./compute";
import { cost } from "./cost";
import { databaseAccess, pooler, postgres, redis } from "./data";
import { forecast } from "./forecast";
import { sharding } from "./sharding";
import { images, metrics } from "./platform";
import { placement } from "./placement";
import { dns, gateway, network } from "./traffic";

export { WORKER_POOLS, type WorkerPoolName } from "../primitives";

/** Every config key. The key order is the order of Pulumi.yaml's config block and of the generated docs. */
export const ConfigSchema = z.strictObject({
    environment,
    namespace,
    zones,
    cluster,
    api,
    workers,
    analytics,
    metrics,
    gateway,
    dns,
    postgres,
    pooler,
    databaseAccess,
    redis,
    sharding,
    forecast,
    cost,
    images,
    network,
    placement,
});

/** A stack's validated config. */
export type AppConfig = z.output<typeof ConfigSchema>;
export type WorkerPoolConfig = AppConfig["workers"]["queue"];
export type ResourcesConfig = WorkerPoolConfig["resources"];

/** Top-level config keys, in schema order. */
export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as (keyof AppConfig)[];
