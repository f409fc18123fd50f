import './style.css';
import { PlaygroundApp } from './app.js';
import type { PlaygroundHook } from './hook.js';

declare global {
  interface Window {
    /** The console and test hook: `await playground.step(20); playground.state()`. */
    playground: PlaygroundHook;
  }
}

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
const app = new PlaygroundApp(root);
window.playground = app.hook();
void app.start();
