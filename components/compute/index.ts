export * from "./scalableService";
export * from "./analyticsService";
