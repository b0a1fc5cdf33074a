/**
 * The cross-field rules a schema cannot express, one file per tier. They run in a fixed order,
 * which is the order of the messages a stack sees (tests assert whole messages).
 */
import type { AppConfig } from "../schema";
import { renderToDirectoryProblems, zoneProblems } from "./cluster";
import { computeProblems } from "./compute";
import { costProblems } from "./cost";
import { dataProblems } from "./data";
import { guardrailProblems } from "./forecast";
import type { Rule, Show } from "./rule";
import { shardingProblems } from "./sharding";
import { regionProblems, routingProblems } from "./traffic";

export type { Rule, Show } from "./rule";

const RULES: readonly Rule[] = [
    computeProblems,
    zoneProblems,
    regionProblems,
    dataProblems,
    shardingProblems,
    renderToDirectoryProblems,
    guardrailProblems,
    routingProblems,
    costProblems,
];

/** Every problem the cross-field rules find in a config that passed the schema, in rule order. */
export function crossFieldProblems(c: AppConfig, show: Show): string[] {
    return RULES.flatMap((rule) => rule(c, show));
}
