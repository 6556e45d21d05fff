// The element's options as the Custom Elements Manifest describes them, derived from the
// option table (src/options.ts): the runtime row gives the attribute and the default (from
// the build in dist/), the TypeScript compiler gives each property's type and its
// description (the row's JSDoc). custom-elements-manifest.config.mjs writes them into the
// element's declaration.
import ts from 'typescript';

const TABLE_SOURCE = 'src/options.ts';
const TABLE_BUILD = '../dist/options.js';

/** Each option: `{ name, attribute?, default?, type, description }`, in the table's order. */
export async function readOptions() {
  const { OPTIONS } = await import(new URL(TABLE_BUILD, import.meta.url).href);
  const program = ts.createProgram([TABLE_SOURCE], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
  });
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(TABLE_SOURCE)));
  const exported = (name) => exports.find((symbol) => symbol.name === name);
  const rows = checker.getTypeOfSymbol(exported('OPTIONS'));
  const values = checker.getDeclaredTypeOfSymbol(exported('SpotnanaEmbedOptions'));

  return rows.getProperties().map((row) => {
    const { attribute, default: value } = OPTIONS[row.name];
    const type = checker.typeToString(checker.getTypeOfSymbol(values.getProperty(row.name)));
    return {
      name: row.name,
      attribute: attribute || undefined,
      default: value === undefined ? undefined : JSON.stringify(value),
      type,
      description: ts.displayPartsToString(row.getDocumentationComment(checker)),
    };
  });
}
