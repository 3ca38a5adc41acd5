import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { applyTheme } from './stores/theme.js';
import { applyLocale } from './lib/i18n.js';

applyTheme();
applyLocale();

export default mount(App, { target: document.getElementById('app') });
