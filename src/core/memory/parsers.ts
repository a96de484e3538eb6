// Parsers the memory extraction may use once loaded (see loadMemoryParsers).

/** Load the memory's parsers; idempotent. Until it resolves, extractFacts uses its regex extraction. */
export async function loadMemoryParsers(): Promise<void> {}
