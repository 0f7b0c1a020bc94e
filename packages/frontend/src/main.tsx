// The entry does little on purpose: everything that builds zod schemas or React comes in by
// dynamic import, one step per task (startup.ts), so no single start-up task holds the main
// thread for long. index.html preloads every chunk of those steps (vite.config.ts), so the
// steps do not wait on the network one after another.
import './zodJitless';
import './styles.css';
import { buildContractsInSteps, nextTask } from './startup';

const container = document.getElementById('root')!;

/** Plain DOM: shown when the app's own chunks could not load or start (no React needed). */
function showBootError(error: unknown) {
  const main = document.createElement('main');
  main.className = 'boot-error';
  main.setAttribute('role', 'alert');
  const title = document.createElement('h1');
  title.textContent = 'bot-mox could not start';
  const detail = document.createElement('p');
  detail.textContent = error instanceof Error ? error.message : String(error);
  const reload = document.createElement('button');
  reload.type = 'button';
  reload.textContent = 'Reload';
  reload.addEventListener('click', () => window.location.reload());
  main.append(title, detail, reload);
  container.replaceChildren(main);
}

async function boot() {
  await buildContractsInSteps();
  const { startApp } = await import('./app/start');
  await nextTask();
  await startApp(container);
}

boot().catch(showBootError);
