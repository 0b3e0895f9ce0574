import type { Metadata } from "next";
import TasksScreen from "@/components/TasksScreen";

export const metadata: Metadata = { title: "Tasks · Todo Assistant" };

export default function TasksPage() {
  return <TasksScreen />;
}
