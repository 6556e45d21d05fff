// The package's shape, as users and their tools see it after `npm run build`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
/** Runs ESM code in a fresh Node process: no DOM, no globals from this test. */
const node = (code: string) =>
  execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });

describe('importing the package in Node without a DOM (server-side rendering)', () => {
  it("`import 'spotnana-embed'` does not throw and exports the element class", () => {
    const out = node(`const m = await import('spotnana-embed'); console.log(typeof m.SpotnanaEmbed, typeof document);`);
    assert.equal(out.trim(), 'function undefined');
  });

  it('spotnana-embed/server loads without Lit or a DOM', () => {
    const out = node(`const m = await import('spotnana-embed/server'); console.log(Object.keys(m).sort().join(','));`);
    for (const name of ['createTokenHandler', 'createUserDetailHandler', 'exchangeToken', 'TokenExchangeError']) {
      assert.ok(out.includes(name), `${name} is exported`);
    }
    for (const file of readdirSync('dist/server').filter((f) => f.endsWith('.js'))) {
      assert.doesNotMatch(readFileSync(`dist/server/${file}`, 'utf8'), /from ['"]lit|document\.|window\./, file);
    }
  });
});

describe('package.json', () => {
  it('unpkg and jsdelivr name one minified ES module under dist/', () => {
    assert.equal(pkg.unpkg, pkg.jsdelivr);
    assert.match(pkg.unpkg, /^\.\/dist\/.+\.min\.js$/);
    const code = readFileSync(pkg.unpkg, 'utf8');
    assert.doesNotMatch(code, /(?:\bfrom|\bimport)\s*\(?\s*["'](?![./])/, 'no bare imports');
    assert.ok(code.split('\n').length <= 3, 'minified');
  });

  it('exports list types first, and every target exists', () => {
    for (const [subpath, target] of Object.entries<any>(pkg.exports)) {
      if (typeof target === 'string') continue;
      assert.equal(Object.keys(target)[0], 'types', subpath);
      for (const file of Object.values<string>(target)) accessSync(file);
    }
  });

  it('customElements names the generated manifest, which describes <spotnana-embed>', () => {
    const manifest = JSON.parse(readFileSync(pkg.customElements, 'utf8'));
    const element = manifest.modules
      .flatMap((m: any) => m.declarations)
      .find((d: any) => d.tagName === 'spotnana-embed');
    assert.ok(element);
    assert.deepEqual(element.attributes.map((a: any) => a.name).sort(), [
      'allow',
      'embed-url',
      'env',
      'frame-title',
      'org-id',
      'path',
      'token-credentials',
      'token-endpoint',
      'token-fetch',
      'token-timeout',
    ]);
    assert.deepEqual(element.events.map((e: any) => e.name).sort(), [
      'spotnana-error',
      'spotnana-load',
      'spotnana-message',
      'spotnana-token-request',
      'spotnana-token-sent',
    ]);
    assert.deepEqual(element.slots.map((s: any) => s.name).sort(), ['error', 'frame', 'loading']);
    assert.deepEqual(element.cssParts.map((p: any) => p.name).sort(), ['error', 'frame', 'loading', 'retry']);
    assert.ok(element.members.some((m: any) => m.name === 'tokenProvider'));
  });

  it('the emulator bin is an executable file with a node shebang', () => {
    const bin = pkg.bin['spotnana-embed-emulator'];
    accessSync(bin, constants.X_OK);
    assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('Lit is a dependency (not bundled into the npm build), and the only one of the element', () => {
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}), ['lit']);
    assert.match(readFileSync('dist/spotnana-embed.js', 'utf8'), /from ['"]lit['"]/);
  });
});

describe('framework entry points', () => {
  it('spotnana-embed/react exports the SpotnanaEmbed component and its prerender helpers, and spotnana-embed/vue is typings only: importing them in Node throws nothing', () => {
    const out = node(
      `const r = await import('spotnana-embed/react'); const v = await import('spotnana-embed/vue'); console.log(Object.keys(r).join(), Object.keys(v).length, typeof document);`,
    );
    assert.equal(out.trim(), 'SpotnanaEmbed,prerenderSpotnana,signOutSpotnana,usePrerenderSpotnana 0 undefined');
    for (const entry of ['./react', './vue']) {
      assert.deepEqual(Object.keys(pkg.exports[entry]), ['types', 'default']);
      assert.match(
        readFileSync(pkg.exports[entry].types, 'utf8'),
        entry === './react' ? /IntrinsicElements/ : /GlobalComponents/,
      );
    }
  });

  it('the manifest gives each event its detail type and lists the custom properties', () => {
    const manifest = JSON.parse(readFileSync(pkg.customElements, 'utf8'));
    const element = manifest.modules
      .flatMap((m: any) => m.declarations)
      .find((d: any) => d.tagName === 'spotnana-embed');
    for (const event of element.events) assert.match(event.type?.text ?? '', /^CustomEvent<.+>$/, event.name);
    assert.deepEqual(element.cssProperties.map((p: any) => p.name).sort(), [
      '--spotnana-embed-accent',
      '--spotnana-embed-background',
      '--spotnana-embed-color',
      '--spotnana-embed-font',
      '--spotnana-embed-height',
      '--spotnana-embed-muted',
    ]);
    assert.ok(pkg.files.includes('custom-elements.json'));
  });
});

describe('one option table: the element, its manifest and its React wrapper agree', () => {
  /** The element's reactive properties as Lit finalized them, each with its attribute (null: property only). */
  const elementProperties = (): [string, string | null][] =>
    JSON.parse(
      node(`const { SpotnanaEmbed } = await import('spotnana-embed');
        void SpotnanaEmbed.observedAttributes; // Lit finalizes the properties here
        const list = [...SpotnanaEmbed.elementProperties].map(([name, { attribute }]) =>
          [name, attribute === false ? null : typeof attribute === 'string' ? attribute : name.toLowerCase()]);
        console.log(JSON.stringify(list));`),
    );

  it('every reactive property of the element is a field of the manifest, with its attribute', () => {
    const manifest = JSON.parse(readFileSync(pkg.customElements, 'utf8'));
    const element = manifest.modules
      .flatMap((m: any) => m.declarations)
      .find((d: any) => d.tagName === 'spotnana-embed');
    // Instance fields: a static (`SpotnanaEmbed.timing`) is the class's, not an element's property.
    const fields = element.members.filter((m: any) => m.kind === 'field' && !m.static);
    const properties = elementProperties();
    assert.ok(properties.length >= 11, 'the element has its options');
    for (const [name, attribute] of properties) {
      const field = fields.find((f: any) => f.name === name);
      assert.ok(field, `the manifest lacks the property ${name}`);
      assert.ok(field.description, `${name} has a description`);
      assert.ok(field.type?.text, `${name} has a type`);
      assert.equal(field.attribute, attribute ?? undefined, `${name}'s attribute`);
      if (attribute) assert.ok(element.attributes.some((a: any) => a.name === attribute && a.fieldName === name));
    }
    assert.deepEqual(fields.map((f: any) => f.name).sort(), properties.map(([name]) => name).sort());
  });

  it('the React wrapper renders every property that has an attribute as that attribute, and no other property', () => {
    const properties = elementProperties();
    const render = (names: string[]) =>
      node(`const { createElement } = await import('react');
        const { renderToString } = await import('react-dom/server');
        const { SpotnanaEmbed } = await import('spotnana-embed/react');
        const props = Object.fromEntries(${JSON.stringify(names)}.map((name) => [name, 'value-of-' + name]));
        console.log(renderToString(createElement(SpotnanaEmbed, props)));`);
    // A provider replaces the endpoint (and its attribute): the attributes are rendered without one.
    const withAttributes = render(properties.filter(([, attribute]) => attribute).map(([name]) => name));
    const withEverything = render(properties.map(([name]) => name));
    for (const [name, attribute] of properties) {
      if (attribute)
        assert.match(withAttributes, new RegExp(` ${attribute}="value-of-${name}"`), `renders ${attribute}`);
      else assert.doesNotMatch(withEverything, new RegExp(`value-of-${name}`), `${name} is a property only`);
    }
  });
});
