import { render } from 'preact';
import { App } from './app/App.js';
import './app/style.css';
import './components/components.css';

render(<App />, document.getElementById('app')!);
