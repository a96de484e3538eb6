// Which extractor made a memory fact. Facts are a function of the blob, the language its name gives
// and the extractor: a fact made by another extractor (an older release, or the other mode) is not
// reused by blob sha, and a base whose memory another extractor made has every file analysed again
// by the branch's next sync (once). Kept apart from the analysis module: the pipeline needs the id
// on every sync, the extractors only when there is content to read.

/**
 * Bump whenever extraction gives other facts for some file (languages, symbols, summaries, line
 * counts): test/unit/extractorVersion.test.ts fails until this and its recorded fingerprint change.
 */
export const EXTRACTOR_VERSION = 11;

/** What the id of parsers that did not all load ends with. */
const PARTIAL = '+partial';

/**
 * The id a link records (SyncRecord.memoryExtractor): the mode (regexes or parsers) and the version.
 * Parsers of which some did not load (a grammar or its query refused: those languages got the
 * regexes) are another extractor, `parsers.N+partial`: their facts are never reused as parser facts,
 * and the next sync whose parsers all load analyses the branch again, once.
 */
export function extractorId(parsers: boolean, allLoaded = true): string {
  return `${parsers ? 'parsers' : 'regex'}.${EXTRACTOR_VERSION}${parsers && !allLoaded ? PARTIAL : ''}`;
}

/** The id of `id`'s parsers when some did not load (regexes have nothing to load: the same id). */
export function partialExtractor(id: string): string {
  return id.startsWith('parsers.') && !id.endsWith(PARTIAL) ? id + PARTIAL : id;
}
