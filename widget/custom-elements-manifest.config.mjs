// widget/custom-elements-manifest.config.mjs
// `cem analyze` (run from widget/) writes custom-elements.json from the class's JSDoc
// block and its static properties: the machine-readable copy of the public contract.

/**
 * Keeps the manifest to the public contract: Lit's `state: true` properties are not
 * attributes, private members are not API, and the events are the three documented
 * ones (the analyzer also guesses some from `dispatchEvent(new …Event())` calls).
 */
const publicOnly = {
  name: 'phone-verify:public-only',
  packageLinkPhase({ customElementsManifest }) {
    for (const module of customElementsManifest.modules) {
      for (const declaration of module.declarations ?? []) {
        if (declaration.kind !== 'class') continue;
        const hidden = new Set((declaration.members ?? []).filter((m) => m.privacy === 'private').map((m) => m.name));
        if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName));
        if (declaration.members) declaration.members = declaration.members.filter((m) => m.privacy !== 'private');
        if (declaration.events) declaration.events = declaration.events.filter((e) => e.name && e.name !== 'detail' && e.description);
      }
    }
  },
};

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/locales/**'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: true,
  plugins: [publicOnly],
};
