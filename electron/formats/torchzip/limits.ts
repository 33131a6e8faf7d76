// Named ceilings for torch.save zips. Every count, size and offset in a zip is attacker-controlled
// (CWE-400 uncontrolled resource consumption, CWE-789 excessive allocation).

/**
 * A DCP item holds 7 records; a whole-model torch.save holds one per storage plus ~6. 100 000
 * covers any real torch.save file while bounding the central directory we parse (CWE-400).
 */
export const MAX_ZIP_ENTRIES = 100_000;

/** torch names records `archive/data/<n>`; 4096 bytes is far past any real name (CWE-789). */
export const MAX_ZIP_NAME_BYTES = 4096;

/**
 * The central directory is read whole: MAX_ZIP_ENTRIES entries of ~100 bytes fit in 64 MiB, so a
 * larger declared size is corrupt or hostile (CWE-789).
 */
export const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024;

/**
 * A classic end record may be followed by a comment of up to 65 535 bytes; torch writes none, but
 * other zip writers might. The end-record search never looks further back than this (CWE-400).
 */
export const MAX_EOCD_SEARCH_BYTES = 22 + 0xffff;

/**
 * Records read whole into memory (data.pkl, byteorder, …). data.pkl of a tensor item is a few
 * hundred bytes; 256 MiB admits a huge pickled object in a bytes item (CWE-789).
 */
export const MAX_RECORD_READ_BYTES = 256 * 1024 * 1024;
