import { mount } from 'svelte';
import './app.css';
// Sets the UI language (saved choice, else the OS's) before anything is drawn.
import './lib/i18n';
import App from './App.svelte';
import { selectBackend } from './lib/backend';
import { reportFirstPaint } from './lib/first-paint';

const target = document.getElementById('app');
if (target === null) {
  throw new Error('index.html has no #app element to mount the UI in');
}

const backend = await selectBackend();
export default mount(App, { target, props: { backend } });
reportFirstPaint(backend.reportFirstPaint);
