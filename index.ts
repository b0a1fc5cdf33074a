/**
 * SysManage scaling infrastructure: the composition root. Config, the forecast (applied like
 * the stack file's own numbers), a pure plan of the whole stack, then the tiers from the
 * platform and the load balancers down to the data tier, and the stack's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, previousOutputs } from "./components";
import { loadConfig } from "./config";
import { programForecast } from "./forecast/program";
import { stackCost } from "./plan/cost";
import { withForecast } from "./plan/forecast";
import { deployedFloorSchedules, stackOutputs, type DataTierOutputs, type StackOutputs } from "./plan/outputs";
import { planStack } from "./plan/stack";
import {
    declareAlerts,
    declareCompute,
    declareDashboards,
    declareDataTier,
    declareNamespace,
    declareNodePools,
    declareOverprovisioning,
    declarePlatform,
    declareScheduling,
    declareTraffic,
} from "./stack";

export = async (): Promise<StackOutputs> => {
    const stack = pulumi.getStack();
    const configured = loadConfig();
    // What is deployed: this stack's last outputs (a StackReference to itself): the Redis
    // masters (shards move one per update) and the floor schedules (their floors stand against
    // small changes) and the shard map (it changes only as a planned move).
    const readPrevious = configured.redis.enabled || configured.forecast.enabled || configured.sharding.shards > 0;
    const previous = readPrevious ? await previousOutputs(["dataTier", "forecast", "sharding"]) : {};
    const deployedRedisMasters = configured.redis.enabled ? (previous.dataTier as DataTierOutputs | undefined)?.redis?.masters : undefined;
    const deployedSchedules = deployedFloorSchedules(previous.forecast);

    // The forecasting step: HPA bounds and data-tier counts from the stack's exported metrics,
    // within guardrails, set as if the stack file said so; every config rule runs on them.
    const forecast = configured.forecast.enabled
        ? programForecast({ stack, projectDir: __dirname, config: configured, deployedRedisMasters, deployedSchedules })
        : undefined;
    const cfg = forecast ? withForecast(configured, forecast.values, stack) : configured;
    // pulumi.log.* return a promise the engine tracks itself; nothing to await here.
    for (const w of forecast?.warnings ?? []) void pulumi.log.warn(w);

    const { annotations, schedules, headroom } = forecast ?? {};
    const plan = planStack(cfg, stack, { annotations, deployedRedisMasters, schedules, headroom, deployedSharding: previous.sharding });

    const platform = declarePlatform(cfg);
    const classes = declareScheduling(plan, platform.opts);
    declareNodePools(plan, platform.opts);
    const ns = declareNamespace(cfg.namespace, plan, platform.opts);
    declareTraffic(cfg, plan, ns.name, platform.opts);
    // The data tier first: the Deployments wait for the credential Secrets they read.
    const secrets = declareDataTier(cfg, plan, ns.name, platform.opts);
    declareCompute(cfg, plan, ns.name, platform, secrets, platform.opts);
    declareOverprovisioning(cfg, plan, ns.name, classes, platform.opts);
    declareAlerts(cfg, plan, ns.name, platform.opts);
    declareDashboards(cfg, plan, ns.name, platform.opts);

    const charts = Object.fromEntries(Object.values(CHARTS).map((c) => [c.chart, c.version]));
    const cost = stackCost({ stack, configured, final: cfg, forecast: forecast?.result });
    return stackOutputs(
        plan,
        { environment: cfg.environment, namespace: cfg.namespace, hostname: cfg.gateway.hostname },
        charts,
        forecast,
        cost,
    );
};
