// The desktop app's main process: one window over the built renderer, the security defaults of
// house style §5, and the contract's handlers behind Electron IPC. Heavy work runs in services'
// worker threads; main only routes requests and events.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, app, dialog, nativeTheme, session as electronSession, shell, type WebContents } from 'electron';
import type { EventName, Events, PickPurpose } from '../shared/ipc/contract';
import { IPC_EVENT_CHANNEL } from '../shared/ipc/contract';
import { PathGrants } from './app-service/grants';
import type { Host } from './app-service/host';
import { packageRoot, recentFile, rendererDir, settingsDir } from './app-service/locations';
import { RecentStore } from './app-service/recent';
import { DEFAULT_SERVICES } from './app-service/services';
import { Session } from './app-service/session';
import { HANDLERS } from './ipc/handlers';
import { registerIpc } from './ipc/register';

const INDEX_HTML = path.join(rendererDir(packageRoot()), 'index.html');
const APP_URL = pathToFileURL(INDEX_HTML).href;

/**
 * The first argument after the app that is not a flag: `shardscope open PATH`, a file manager's
 * "open with". Unpackaged, argv also holds the app folder (`electron APP PATH`), and tools such
 * as Playwright put switches before it, so skip up to the app folder itself.
 */
function pathFromArgv(argv: readonly string[]): string | null {
  let args = argv.slice(1);
  if (!app.isPackaged) {
    const appPath = path.resolve(app.getAppPath());
    const at = args.findIndex((a) => !a.startsWith('-') && path.resolve(a) === appPath);
    args = at >= 0 ? args.slice(at + 1) : args.slice(1);
  }
  const p = args.find((a) => !a.startsWith('-'));
  return p === undefined ? null : path.resolve(p);
}

function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to docs open in the browser, https only; nothing opens inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

const DIALOG_TITLES: Readonly<Record<PickPurpose, string>> = {
  open: 'Open a checkpoint folder',
  compare: 'Pick a checkpoint to compare with',
  destination: 'Convert into a new folder',
  config: 'Pick the Hugging Face config.json',
};

async function pick(win: BrowserWindow, grants: PathGrants, purpose: PickPurpose): Promise<string | null> {
  let chosen: string | undefined;
  if (purpose === 'destination') {
    // A save dialog names a folder that does not exist yet, which is what convert writes.
    const r = await dialog.showSaveDialog(win, { title: DIALOG_TITLES[purpose], buttonLabel: 'Convert here', properties: ['createDirectory', 'showOverwriteConfirmation'] });
    chosen = r.canceled ? undefined : r.filePath;
  } else {
    const r = await dialog.showOpenDialog(win, {
      title: DIALOG_TITLES[purpose],
      properties: purpose === 'config' ? ['openFile'] : ['openDirectory'],
      ...(purpose === 'config' ? { filters: [{ name: 'JSON', extensions: ['json'] }] } : {}),
    });
    chosen = r.canceled ? undefined : r.filePaths[0];
  }
  if (chosen === undefined || chosen === '') return null;
  grants.add(chosen, purpose === 'destination' ? 'write' : 'read');
  return chosen;
}

function createWindow(initialPath: string | null): void {
  const grants = new PathGrants();
  if (initialPath !== null) grants.add(initialPath, 'read');
  const recent = new RecentStore(recentFile(settingsDir()));
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 760,
    minHeight: 480,
    title: 'Shardscope',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#ffffff',
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'), // bundled CJS: a sandboxed preload can't require our files
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const emit = <E extends EventName>(name: E, payload: Events[E]): void => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
  };
  const host: Host = {
    mode: 'electron',
    version: app.getVersion(),
    initialPath,
    canBrowse: false,
    pick: (purpose) => pick(win, grants, purpose),
    showInFolder: (p) => shell.showItemInFolder(p),
    allowPath: (p, use) =>
      grants.allows(p, use) ? null : { code: 'BAD_REQUEST', message: `${p} was not chosen in this session; open it with the Open button or drop it on the window` },
    grantPath: (p, use) => grants.add(p, use),
    emit,
  };
  const session = new Session(host, DEFAULT_SERVICES, recent);
  // Recent folders were chosen by the user earlier: they may be reopened from the start screen.
  void recent.list().then((items) => items.forEach((r) => grants.add(r.path, 'read')));
  const unregister = registerIpc({ session, handlers: HANDLERS, appUrl: APP_URL, grantDrop: (p) => grants.add(p, 'read') });

  app.on('second-instance', (_e, argv) => {
    const p = pathFromArgv(argv);
    if (p !== null) {
      grants.add(p, 'read');
      emit('app.openRequested', { path: p });
    }
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('open-file', (e, p) => {
    e.preventDefault();
    grants.add(p, 'read');
    emit('app.openRequested', { path: p });
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    unregister();
    void session.dispose();
  });
  void win.loadFile(INDEX_HTML);
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  app.on('web-contents-created', (_e, contents) => lockDown(contents));
  void app.whenReady().then(() => {
    const ses = electronSession.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    // No remote content: the renderer is packaged files only (devtools:// for the inspector).
    ses.webRequest.onBeforeRequest((details, callback) => {
      const local = details.url.startsWith('file://') || details.url.startsWith('devtools://');
      callback({ cancel: !local });
    });
    createWindow(pathFromArgv(process.argv));
  });
  app.on('window-all-closed', () => app.quit());
}

start();
