export * from "./compute";
export * from "./network";
export * from "./platform";
export * from "./traffic";
export * from "./data";
