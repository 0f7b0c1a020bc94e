export default function SettingsPage() { return <h1>Settings (in progress)</h1>; }
