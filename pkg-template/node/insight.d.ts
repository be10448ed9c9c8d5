// The Node entry of nextoffer/insight is initialized at import; its `init` only resolves.
export * from "../insight/nextoffer_insight.js";
export { default } from "../insight/nextoffer_insight.js";
