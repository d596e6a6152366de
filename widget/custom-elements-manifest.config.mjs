// widget/custom-elements-manifest.config.mjs
// `cem analyze` (run from widget/) writes custom-elements.json from the class's JSDoc
// block and its static properties: the machine-readable copy of the public contract,
// describing the files the package ships (not src/), valid against the schema of
// the npm package custom-elements-manifest (checked by the consumer suite).

import { readFileSync } from 'node:fs';

/** The event classes of events.ts, by event name: the manifest's `type` of each event. */
const EVENT_TYPES = {
  'phone-verify-sent': 'PhoneVerifySentEvent',
  'phone-verify-success': 'PhoneVerifySuccessEvent',
  'phone-verify-error': 'PhoneVerifyErrorEvent',
  'phone-verify-challenge': 'PhoneVerifyChallengeEvent',
};

/** Every styles module of the element, where the `--phone-verify-*` properties get their defaults. */
const STYLE_FILES = ['./src/phone-verify.styles.ts', './src/code/code-step.styles.ts', './src/country/combobox.styles.ts'];

/** Where the declarations live in the published package (vite.config.ts's two builds). */
const MODULE_ENTRY = 'dist/module/index.js';
const DEFINING_FILES = ['dist/module/define.js', 'dist/module/react.js', 'dist/phone-verify.js'];

/**
 * Each `--phone-verify-*` property's default: the fallback of its first
 * `var(--name, fallback)` in the styles (the light theme's, where the dark one differs).
 * Read with a small scanner that balances parentheses (`var(--a, var(--b))`), not a pattern.
 */
function cssDefaults(css) {
  const defaults = new Map();
  let at = 0;
  while ((at = css.indexOf('var(--phone-verify-', at)) !== -1) {
    let depth = 0;
    let end = at + 3;
    for (; end < css.length; end++) {
      if (css[end] === '(') depth++;
      else if (css[end] === ')' && --depth === 0) break;
    }
    const inner = css.slice(at + 4, end);
    const comma = inner.indexOf(',');
    if (comma !== -1) {
      const name = inner.slice(0, comma).trim();
      if (!defaults.has(name)) defaults.set(name, inner.slice(comma + 1).trim());
    }
    at = end;
  }
  return defaults;
}

/**
 * Keeps the manifest to the public contract: Lit's `state: true` properties are not
 * attributes, private members are not API, and the events are the three documented
 * ones (the analyzer also guesses some from `dispatchEvent(new …Event())` calls), each
 * with its class as type. Then describes the shipped files: the class and the event
 * classes as exports of the module build's index, the tag as defined by define.js,
 * react.js and the self-contained phone-verify.js.
 */
const publicOnly = {
  name: 'phone-verify:public-only',
  packageLinkPhase({ customElementsManifest }) {
    // The first render's styles and the lazy chunks' (code step, country list) declare them all.
    const defaults = cssDefaults(STYLE_FILES.map((file) => readFileSync(new URL(file, import.meta.url), 'utf8')).join('\n'));
    const declarations = [];
    const baseClasses = new Set();
    for (const module of customElementsManifest.modules) {
      for (const declaration of module.declarations ?? []) {
        if (declaration.kind !== 'class' || !declaration.name) continue;
        const hidden = new Set((declaration.members ?? []).filter((m) => m.privacy === 'private').map((m) => m.name));
        if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName));
        if (declaration.members) declaration.members = declaration.members.filter((m) => m.privacy !== 'private');
        if (declaration.events) {
          declaration.events = declaration.events
            .filter((e) => e.name && e.name !== 'detail' && e.description)
            .map((e) => (EVENT_TYPES[e.name] ? { ...e, type: { text: EVENT_TYPES[e.name] } } : e));
        }
        for (const property of declaration.cssProperties ?? []) {
          if (property.default === undefined && defaults.has(property.name)) property.default = defaults.get(property.name);
        }
        if (declaration.customElement && declaration.tagName) declarations.unshift(declaration);
        else if (declaration.customElement) {
          // A base class (form/form-associated.ts): a plain class here, so the element's superclass resolves.
          delete declaration.customElement;
          baseClasses.add(declaration.name);
          declarations.push(declaration);
        } else if (Object.values(EVENT_TYPES).includes(declaration.name)) declarations.push(declaration);
      }
    }
    // References into src/ would point at files that are not the ones a page loads.
    for (const declaration of declarations) {
      const superclass = declaration.superclass;
      if (superclass?.module?.replace(/^\//, '').startsWith('src/'))
        declaration.superclass =
          superclass.name === 'CustomEvent' ? { name: 'CustomEvent', package: 'global:' } : { name: superclass.name, module: MODULE_ENTRY };
    }
    const element = declarations.find((d) => d.customElement);
    if (!element) throw new Error('custom-elements manifest: no custom element found');
    const reference = { name: element.name, module: MODULE_ENTRY };
    customElementsManifest.schemaVersion = '2.1.0';
    customElementsManifest.modules = [
      {
        kind: 'javascript-module',
        path: MODULE_ENTRY,
        declarations,
        // The base class is described (the element's superclass) but not exported by the entry.
        exports: declarations
          .filter((d) => !baseClasses.has(d.name))
          .map((d) => ({ kind: 'js', name: d.name, declaration: { name: d.name, module: MODULE_ENTRY } })),
      },
      ...DEFINING_FILES.map((path) => ({
        kind: 'javascript-module',
        path,
        declarations: [],
        exports: [{ kind: 'custom-element-definition', name: element.tagName, declaration: reference }],
      })),
    ];
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
