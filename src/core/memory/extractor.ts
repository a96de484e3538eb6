// Which extractor made a memory fact. Facts are a function of the blob, the language its name gives
// and the extractor: a fact made by another extractor (an older release, or the other mode) is not
// reused by blob sha, and a base whose memory another extractor made has every file analysed again
// by the branch's next sync (once). Kept apart from the analysis module: the pipeline needs the id
// on every sync, the extractors only when there is content to read.

/**
 * Bump whenever extraction gives other facts for some file (languages, symbols, summaries, line
 * counts): test/unit/extractorVersion.test.ts fails until this and its recorded fingerprint change.
 */
export const EXTRACTOR_VERSION = 4;

/** The id a link records (SyncRecord.memoryExtractor): the mode (regexes or parsers) and the version. */
export function extractorId(parsers: boolean): string {
  return `${parsers ? 'parsers' : 'regex'}.${EXTRACTOR_VERSION}`;
}
