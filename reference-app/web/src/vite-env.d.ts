/// <reference types="vite/client" />

/** The build this bundle was made for (vite.config.ts). */
declare const __BUNDLE_BUILD__: string;
