export * from "./appNamespace";
