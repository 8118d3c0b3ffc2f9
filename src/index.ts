import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { classroomPlugin } from './plugins/classroom';
import { lessonPlugin } from './plugins/lesson';
import { mqttPlugin } from './plugins/mqtt';

/**
 * The extension's plugins: the teacher's Classroom sidebar, the lesson (hand out, collect,
 * class live) and the students' MQTT menu and templates.
 */
const plugins: JupyterFrontEndPlugin<any>[] = [
  classroomPlugin,
  lessonPlugin,
  mqttPlugin
];

export default plugins;
