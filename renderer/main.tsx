// Entry point: choose the transport (Electron preload or `shardscope ui` over HTTP) and render.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api';
import { App } from './App';
import { setApi } from './store/api-ref';
import './styles/app.css';

setApi(createApi());
const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
