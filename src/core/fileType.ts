// What a tree entry's mode says it is. Apart from ./types (which re-exports it) so the memory
// analysis bundles, loaded in worker threads, do not carry zod for one function.
import type { FileMode } from './types';

export function fileType(mode: FileMode): 'blob' | 'symlink' | 'submodule' {
  return mode === '120000' ? 'symlink' : mode === '160000' ? 'submodule' : 'blob';
}
