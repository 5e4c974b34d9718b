import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { selectBackend } from './lib/backend';

const target = document.getElementById('app');
if (target === null) {
  throw new Error('index.html has no #app element to mount the UI in');
}

export default mount(App, { target, props: { backend: selectBackend() } });
