export declare const NO_BROWSER: string;
export declare function findBrowser(): string | undefined;
