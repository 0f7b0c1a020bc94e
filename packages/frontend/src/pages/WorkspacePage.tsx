export default function WorkspacePage() { return <h1>Workspace (in progress)</h1>; }
