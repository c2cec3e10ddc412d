/** milsymbol's ES sources (aliased in web/vite.config.ts): the core and the 2525D air set. */
declare module 'milsymbol/src/milsymbol.js' {
  import type { Symbol as MsSymbol, SymbolOptions } from 'milsymbol';
  export const ms: {
    Symbol: new (sidc: string, ...options: SymbolOptions[]) => MsSymbol;
    addIcons(icons: unknown): void;
  };
}
declare module 'milsymbol/src/numbersidc/sidc/air.js' {
  const icons: unknown;
  export default icons;
}
