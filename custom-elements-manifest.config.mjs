// The Custom Elements Manifest (custom-elements.json), from the element's JSDoc and, for its
// options (attributes and properties), from the option table (scripts/manifest-options.mjs),
// and for the static `timing`, its default values.
// Private (#) members are implementation, and `#emit(type, ...)` is not an event of its own.
import { readOptions } from './scripts/manifest-options.mjs';

const options = await readOptions();
// The build compiles src/ before it writes the manifest: the defaults of `SpotnanaEmbed.timing`, as shipped.
const { timing } = await import('./dist/timing.js');

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
    {
      name: 'options-from-the-table',
      packageLinkPhase({ customElementsManifest }) {
        const element = customElementsManifest.modules
          .flatMap((mod) => mod.declarations ?? [])
          .find((declaration) => declaration.tagName === 'spotnana-embed');
        const fields = options.map(({ name, attribute, type, default: value, description }) => ({
          kind: 'field',
          name,
          privacy: 'public',
          type: { text: type },
          default: value,
          description,
          attribute,
        }));
        const attributes = options
          .filter((option) => option.attribute)
          .map(({ name, attribute, type, default: value, description }) => ({
            name: attribute,
            type: { text: type },
            default: value,
            description,
            fieldName: name,
          }));
        for (const member of element.members ?? []) {
          if (member.static && member.name === 'timing') member.default = JSON.stringify(timing);
        }
        element.members = [...fields, ...(element.members ?? [])];
        element.attributes = attributes;
      },
    },
  ],
};
