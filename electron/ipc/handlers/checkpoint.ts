// Open, look at and close checkpoints. The summary crosses once; details, previews and stats are
// asked for per key.

import { entryDetail } from '../../app-service/summarize';
import { attempt, type Handler } from '../handler';

export const checkpointOpen: Handler<'checkpoint.open'> = (args, s) => attempt(() => s.open(args.path));

export const checkpointClose: Handler<'checkpoint.close'> = (args, s) => attempt(async () => ({ closed: await s.close(args.id) }));

export const checkpointEntry: Handler<'checkpoint.entry'> = (args, s) => attempt(() => entryDetail(s.entry(args.id, args.key)));

export const tensorPreview: Handler<'tensor.preview'> = (args, s) =>
  attempt(() => {
    const open = s.get(args.id);
    return s.services.previewTensor(open.folder, s.tensor(args.id, args.key), args.limit);
  });
