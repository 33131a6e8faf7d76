// The renderer's only door to the Node side: `window.shardscope`, with one function per command
// in the contract, an event subscription, and the drop helper. Sandboxed, so it is bundled into
// preload.cjs (build/vite.preload.config.ts) and imports nothing but electron and the contract.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  COMMAND_NAMES,
  IPC_EVENT_CHANNEL,
  IPC_GRANT_DROP_CHANNEL,
  IPC_PREFIX,
  isEventName,
  type EventListener,
  type ShardscopeBridge,
} from '../shared/ipc/contract';

const commands = Object.fromEntries(
  COMMAND_NAMES.map((name) => [name, (args: unknown) => ipcRenderer.invoke(IPC_PREFIX + name, args)]),
) as unknown as ShardscopeBridge['commands'];

const bridge: ShardscopeBridge = {
  commands,
  onEvent(listener: EventListener): () => void {
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (isEventName(name)) listener(name, payload as never);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.off(IPC_EVENT_CHANNEL, handler);
    };
  },
  async grantDroppedFile(file: unknown): Promise<string | null> {
    let p = '';
    try {
      // Only a File the user dropped has a path; anything else the page makes up has none.
      p = webUtils.getPathForFile(file as File);
    } catch {
      return null;
    }
    if (p === '') return null;
    return (await ipcRenderer.invoke(IPC_GRANT_DROP_CHANNEL, p)) === true ? p : null;
  },
};

contextBridge.exposeInMainWorld('shardscope', bridge);
