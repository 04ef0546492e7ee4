import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi } from './lib/api-client';
import './app.css';

const target = document.getElementById('app')!;
connectApi()
  .then((api) => mount(App, { target, props: { api } }))
  .catch((e: Error) => {
    target.textContent = `Verdict could not start: ${e.message}`;
  });
