/**
 * Planning errors that describe the stack's config (a connection budget that does not fit, a
 * WAL volume too small, a shard jump, an unapproved shard map change) become ConfigErrors naming the stack file, so the CLI and
 * `pulumi preview` report them as bad config, never as a bug of the program.
 */
import { ConfigError } from "../config/errors";
import { BudgetError } from "../lib/data/connectionBudget";
import { PostgresMemoryError, WalVolumeError } from "../lib/data/postgresParams";
import { ShardJumpError } from "../lib/data/redis";
import { ShardMapChangeError } from "../lib/sharding/nextMap";

/** The errors of planning that are the config's fault. */
const CONFIG_FAULTS = [BudgetError, WalVolumeError, PostgresMemoryError, ShardJumpError, ShardMapChangeError] as const;

/** Runs a planning step; an error that is the config's fault is rethrown as a ConfigError naming `Pulumi.<stack>.yaml`. */
export function asConfigError<T>(stack: string, plan: () => T): T {
    try {
        return plan();
    } catch (e) {
        if (CONFIG_FAULTS.some((k) => e instanceof k)) throw new ConfigError([`Pulumi.${stack}.yaml: ${(e as Error).message}`]);
        throw e;
    }
}
