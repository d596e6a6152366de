// prettier.config.mjs
// One format for the repository (`npm run format:check`, part of `npm run lint`).
// printWidth 160 is the width the code is written at: 120 would rewrap some 190 files.

/** @type {import('prettier').Config} */
export default {
  printWidth: 160,
  singleQuote: true,
  trailingComma: 'all',
  // Leave the insides of html`` and css`` templates (and Markdown's code blocks) as written:
  // the Lit templates' whitespace and the widget's CSS are laid out by hand.
  embeddedLanguageFormatting: 'off',
};
