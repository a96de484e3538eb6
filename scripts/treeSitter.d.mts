import type { Plugin } from 'esbuild';

export declare const treeSitterCjs: Plugin;
export declare function copyParserWasm(root: string, outDir: string): void;
