import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

/**
 * The teacher's Classroom sidebar (only for hub admins).
 */
export const classroomPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-classroom:sidebar',
  description: 'The Classroom sidebar for teachers: students, libraries, kernels, broker.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    void app;
  }
};
