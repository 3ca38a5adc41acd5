// Svelte's compiler options; the defaults suit this app.
export default {};
