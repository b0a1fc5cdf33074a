import type { AppConfig } from "../schema";

/**
 * How a rule shows a value in its message: `key` is the config key the value belongs to (its
 * top-level part decides whether the value is a secret, then shown as `[secret]`).
 */
export type Show = (v: unknown, key: string) => string;

/** A cross-field rule a schema cannot express: the problems it finds, each a message without the file. */
export type Rule = (c: AppConfig, show: Show) => string[];
