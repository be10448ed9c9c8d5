// The workerd entry is initialized at import: everything of the web entry except its `init` default export.
export * from "../web/nextoffer.js";
