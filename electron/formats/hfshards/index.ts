// Public surface of the Hugging Face layouts: readers that build the CheckpointModel, and the
// name and content tests the layout detector uses.

export { readSafetensorsSingle, tensorEntryFromHeader } from './read-single';
export { readSafetensorsSharded } from './read-sharded';
export { readDcpHfShards } from './read-dcp-hf-shards';
export { parseHfIndexJson, type HfIndex, type HfIndexEntry } from './index-json';
export { parseDcpShardingInfo, DCP_SHARDING_INFO_KEY } from './sharding-info';
export { HF_INDEX_NAME, DCP_HF_SHARD_NAME, isDcpHfShardName, parseDcpHfShardName, type DcpHfShardName } from './names';
export { looksLikeSafetensors } from '../safetensors/sniff';
