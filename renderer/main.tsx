import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createHttpApi, takeShellToken } from './ipc/http-client';
import { useWorkbench } from './store';
import './app/app.css';

// Electron's preload provides window.workbench; in the browser shell we build it from the token.
if (!window.workbench) {
  const token = takeShellToken();
  if (token) window.workbench = createHttpApi(token);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void useWorkbench.getState().appStarted();
