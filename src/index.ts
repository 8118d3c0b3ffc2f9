import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { classroomPlugin } from './plugins/classroom';
import { cellExecutorPlugin } from './plugins/executor';
import { lessonPlugin } from './plugins/lesson';
import { mqttPlugin } from './plugins/mqtt';

/**
 * The extension's plugins: the teacher's Classroom sidebar, the lesson (hand out, collect,
 * class live), the students' MQTT menu and templates, and a cell executor that loses no run
 * pressed before a notebook has its kernel.
 */
const plugins: JupyterFrontEndPlugin<any>[] = [
  classroomPlugin,
  lessonPlugin,
  mqttPlugin,
  cellExecutorPlugin
];

export default plugins;
