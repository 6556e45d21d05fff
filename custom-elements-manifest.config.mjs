// The Custom Elements Manifest (custom-elements.json), from the element's JSDoc.
// Private (#) members are implementation, and `#emit(type, ...)` is not an event of its own.
export default {
  globs: ['src/spotnana-embed.ts'],
  litelement: true,
  plugins: [
    {
      name: 'public-api-only',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const declaration of mod.declarations ?? []) {
            declaration.members = declaration.members?.filter((m) => m.privacy !== 'private');
            declaration.events = declaration.events?.filter((e) => e.name?.startsWith('spotnana-'));
          }
        }
      },
    },
  ],
};
