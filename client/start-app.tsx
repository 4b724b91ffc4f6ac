/** Renders the page into #app: loaded by main.tsx after it has started the data and WebGL. */
import { render } from 'preact';
import { App, type AppProps } from './app.js';

export function startApp(props: AppProps): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('index.html has no #app element');
  render(<App {...props} />, root);
}
