export function App() {
  return (
    <main>
      <h1>bot-mox</h1>
      <p>The bot farm console.</p>
    </main>
  );
}
