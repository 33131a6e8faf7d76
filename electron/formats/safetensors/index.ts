// Public surface of the safetensors format: header reader (strict, crate rules), writer plan,
// index writer, content sniff, and the closed error set.

export { parseSafetensorsHeader, decodeSafetensorsHeader, type SafetensorsHeader, type SafetensorsTensorInfo } from './header';
export { validateSafetensorsLayout } from './validate';
export { planSafetensorsFile, type SafetensorsFilePlan, type SafetensorsPlanInput, type SafetensorsPlannedTensor } from './writer';
export { buildIndexJson, type IndexMetadataValue } from './index-writer';
export { looksLikeSafetensors } from './sniff';
export { SafetensorsError, SAFETENSORS_REASONS, type SafetensorsReason } from './errors';
export { MAX_HEADER_BYTES, MAX_DIMS, MAX_TENSORS_PER_FILE, MAX_INDEX_BYTES, MAX_INDEX_FILES } from './limits';
