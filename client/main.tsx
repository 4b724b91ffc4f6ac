/**
 * Boots the web client: state from the URL, the reference data and health poll, then the page
 * (start-app.tsx).
 * Layer ids, the URL format and the test hook are documented in map/layer-ids.ts,
 * state/url-codec.ts and debug-handle.ts.
 */
import './styles.css';
import { startHealthMonitor } from './data/health-monitor.js';
import { startLayerDataLoader } from './data/layer-data-loader.js';
import { loadReferenceData } from './data/load-reference-data.js';
import './debug-handle.js';
import { t } from './i18n.js';
import { DEFAULT_STATE } from './state/app-state.js';
import { INITIAL_RUNTIME_STATE } from './state/runtime-state.js';
import { createStore } from './state/store.js';
import { decodeState, mergeState } from './state/url-codec.js';
import { syncUrlWithStore } from './state/url-sync.js';
import { softwareWebGl } from './map/software-rendering.js';

const decoded = decodeState(window.location.hash);
const app = createStore(mergeState(DEFAULT_STATE, decoded));
const runtime = createStore(INITIAL_RUNTIME_STATE);
window.__atalaya = { app, runtime, map: null, overlay: null };

syncUrlWithStore(app);
const applyDocumentLanguage = () => {
  const { language } = app.get();
  document.documentElement.lang = language;
  document.title = `${t(language, 'app.title')} — ${t(language, 'app.tagline')}`;
};
applyDocumentLanguage();
app.subscribe((state, previous) => {
  if (state.language !== previous.language) applyDocumentLanguage();
});

void loadReferenceData(runtime);
const health = startHealthMonitor(runtime);
const loader = startLayerDataLoader(app, runtime);

// The page itself (MapLibre, deck.gl and the panels: most of the code) is a chunk of its own, so
// the requests above go out before it is parsed. While it downloads and parses, the first WebGL
// context of the page is opened (software-rendering.ts): that is when the browser starts its GPU
// process' side of WebGL, ~0.1–0.5 s under SwiftShader that no longer delays the map.
const page = import('./start-app.js');
softwareWebGl();
void page.then(({ startApp }) =>
  startApp({ app, runtime, health, loader, viewFromUrl: decoded.view !== undefined }),
);
