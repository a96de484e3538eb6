// Imported FIRST by main.ts: zod decides at schema construction whether to compile parsers with
// `new Function`, probing for it first; the CSP (rightly) forbids eval, so turn the JIT off before
// any schema (src/protocol's included) is built. Parsing stays correct, just interpreted.
import * as z from 'zod';

z.config({ jitless: true });
