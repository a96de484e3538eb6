import type { Plugin } from 'esbuild';

export declare const lazyBundles: readonly { entry: string; outfile: string }[];
export declare function engineSplit(root?: string): Plugin;
