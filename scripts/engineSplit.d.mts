import type { BuildOptions, Plugin } from 'esbuild';

export declare const lazyBundles: readonly { entry: string; outfile: string }[];
export declare function engineSplit(root?: string): Plugin;
export declare const lazyChunks: readonly { entry: string; outfile: string }[];
export declare function chunkSplit(root?: string): Plugin;
export declare function chunkBuilds(root: string, outDir: string, base: BuildOptions): (BuildOptions & { outfile: string })[];
