export default function DashboardPage() { return <h1>Dashboard (in progress)</h1>; }
