export default function ResourcesPage() { return <h1>Resources (in progress)</h1>; }
