/**
 * SysManage scaling infrastructure: the composition root. Config, the forecast (applied like
 * the stack file's own numbers), a pure plan of the whole stack, then the tiers from the
 * platform and the load balancers down to the data tier, and the stack's outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, previousOutput } from "./components";
import { loadConfig } from "./config";
import { programForecast } from "./forecast/program";
import { withForecast } from "./plan/forecast";
import { stackOutputs, type DataTierOutputs, type StackOutputs } from "./plan/outputs";
import { planStack } from "./plan/stack";
import {
    declareAlerts,
    declareCompute,
    declareDataTier,
    declareNamespace,
    declarePlatform,
    declareScheduling,
    declareTraffic,
} from "./stack";

export = async (): Promise<StackOutputs> => {
    const stack = pulumi.getStack();
    const configured = loadConfig();
    // What is deployed: this stack's last `dataTier` output (a StackReference to itself).
    const deployed = configured.redis.enabled ? ((await previousOutput("dataTier")) as DataTierOutputs | undefined) : undefined;
    const deployedRedisMasters = deployed?.redis?.masters;

    // The forecasting step: HPA bounds and data-tier counts from the stack's exported metrics,
    // within guardrails, set as if the stack file said so; every config rule runs on them.
    const forecast = configured.forecast.enabled
        ? programForecast({ stack, projectDir: __dirname, config: configured, deployedRedisMasters })
        : undefined;
    const cfg = forecast ? withForecast(configured, forecast.values, stack) : configured;
    // pulumi.log.* return a promise the engine tracks itself; nothing to await here.
    for (const w of forecast?.warnings ?? []) void pulumi.log.warn(w);

    const plan = planStack(cfg, stack, { annotations: forecast?.annotations, deployedRedisMasters, schedules: forecast?.schedules });

    const platform = declarePlatform(cfg);
    declareScheduling(platform.opts);
    const ns = declareNamespace(cfg.namespace, plan, platform.opts);
    declareTraffic(cfg, plan, ns.name, platform.opts);
    declareCompute(cfg, plan, ns.name, platform.vpa, platform.opts);
    declareDataTier(cfg, plan, ns.name, platform.opts);
    declareAlerts(cfg, plan, ns.name, platform.opts);

    const charts = Object.fromEntries(Object.values(CHARTS).map((c) => [c.chart, c.version]));
    return stackOutputs(plan, { environment: cfg.environment, namespace: cfg.namespace, hostname: cfg.gateway.hostname }, charts, forecast);
};
