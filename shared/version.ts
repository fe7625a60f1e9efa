/** Sonde's version, reported by every process. */
export const VERSION = "0.1.0";
