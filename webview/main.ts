// The run panel's browser bundle: registers the toolkit and renders the app into #root.
import './zodConfig.js';
import { h, render } from 'preact';
import { App } from './app.js';
import { registerToolkit } from './toolkit.js';
import { HostChannel } from './vscodeApi.js';
import './styles.css';

registerToolkit();
const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
render(h(App, { host: new HostChannel() }), root);
