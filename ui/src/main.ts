import './app.css';
import './lib/controls.css';
import { mount } from 'svelte';
import App from './shell/App.svelte';
import { reportFirstPaintOnce } from './shell/first-paint';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

mount(App, { target });
reportFirstPaintOnce();
