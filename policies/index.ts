/**
 * The sysmanage-policies CrossGuard pack. This is the only file that constructs the
 * PolicyPack: doing so starts the analyzer's gRPC server, so tests and `npm run policy` import
 * `./rules` instead.
 *
 *   pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_RULES } from "./rules";

new PolicyPack("sysmanage-policies", {
    description: "Scaling-aware Kubernetes and data-tier rules for SysManage.",
    policies: [...ALL_RULES],
});
