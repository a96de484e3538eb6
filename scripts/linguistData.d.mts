import type { Plugin } from 'esbuild';

export declare const linguistData: Plugin;
