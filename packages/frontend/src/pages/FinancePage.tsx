export default function FinancePage() { return <h1>Finance (in progress)</h1>; }
