// Types of hostile-payloads.mjs, for the browser tests written in TypeScript.
export declare const PAYLOADS: Record<
  | 'valid'
  | 'wrong-from'
  | 'null-prototype'
  | 'getter'
  | 'huge-valid'
  | 'burst'
  | 'wrong-type'
  | 'non-object'
  | 'inherited-getter'
  | 'throwing'
  | 'proto-poison'
  | 'huge'
  | 'deep'
  | 'burst-junk',
  { requests: number; build(): unknown[] }
>;
export declare function send(target: Window, kind: keyof typeof PAYLOADS, marker: string, targetOrigin?: string): void;
