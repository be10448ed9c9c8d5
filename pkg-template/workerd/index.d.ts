// The workerd entry is initialized at import; its `init` only resolves, for code shared with the web entry.
export * from "../server/nextoffer.js";
export { default } from "../server/nextoffer.js";
