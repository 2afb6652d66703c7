// The record pages' texts (lists and forms of every record type).
// Chinese first; the English record must name every key the Chinese one has.
export const zh = {
};

export const en: Record<keyof typeof zh, string> = {
};
