// Streams a full tensor's bytes, in C order, from its chunks, with a bounded buffer.
// Used by inspect --hash, convert, diff and stats. (Implementation: see assemble.ts.)
export { readTensorBlocks, type TensorReadOptions } from './assemble';
