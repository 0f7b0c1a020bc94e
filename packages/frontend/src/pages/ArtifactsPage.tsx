export default function ArtifactsPage() { return <h1>Artifacts (in progress)</h1>; }
