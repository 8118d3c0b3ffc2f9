import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { classroomPlugin } from './plugins/classroom';
import { mqttPlugin } from './plugins/mqtt';

/**
 * The extension's plugins: the teacher's Classroom sidebar and the students' MQTT menu
 * and templates.
 */
const plugins: JupyterFrontEndPlugin<any>[] = [classroomPlugin, mqttPlugin];

export default plugins;
