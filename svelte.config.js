// Svelte 5 with TypeScript: only erasable syntax, so no preprocessor is needed.
export default {};
