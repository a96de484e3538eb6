// The memory's language tables (src/core/memory/linguist.ts) read a few fields of each language of
// the `linguist-languages` package: bundled as it ships, that is 834 modules and 278 KB of the
// analysis bundle (colours, editor modes, scopes), all compiled and run when the analysis loads.
// This plugin gives bundles the same languages, in the same order, with only the fields the tables
// read, as one JSON text parsed at load. Shared by esbuild.mjs and the benchmark's build.

/** The fields src/core/memory/linguist.ts reads (its LinguistLanguage). */
const FIELDS = ['name', 'type', 'extensions', 'filenames', 'interpreters', 'aliases', 'group'];

/** @type {import('esbuild').Plugin} */
export const linguistData = {
  name: 'linguist-data',
  setup(build) {
    build.onResolve({ filter: /^linguist-languages$/ }, () => ({ path: 'linguist-languages', namespace: 'linguist-data' }));
    build.onLoad({ filter: /.*/, namespace: 'linguist-data' }, async () => {
      const all = await import('linguist-languages');
      /** @type {Record<string, Record<string, unknown>>} */
      const slim = {};
      // The module's own order (its namespace's), which decides ties between languages.
      for (const [key, language] of Object.entries(all)) {
        if (typeof language?.name !== 'string') continue;
        slim[key] = Object.fromEntries(FIELDS.filter((f) => language[f] !== undefined).map((f) => [f, language[f]]));
      }
      return { contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(slim))});\n`, loader: 'js' };
    });
  },
};
