import { TabbedPage } from '../components/Tabs';
import { CalendarSection } from './workspace/CalendarSection';
import { NotesSection } from './workspace/NotesSection';
import { TasksSection } from './workspace/TasksSection';

const TABS = [
  { id: 'tasks', label: 'Tasks', Panel: TasksSection },
  { id: 'notes', label: 'Notes', Panel: NotesSection },
  { id: 'calendar', label: 'Calendar', Panel: CalendarSection },
] as const;

export default function WorkspacePage() {
  return <TabbedPage id="workspace" title="Workspace" label="Workspace sections" tabs={TABS} />;
}
