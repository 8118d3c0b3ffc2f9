/**
 * Request and response types of the Classroom API (`/classroom/api/...` on the user's own
 * server; admin calls are forwarded to the classroom service's `/api/v1/...`).
 */
export namespace Classroom {
  /** GET whoami */
  export interface IWhoAmI {
    name: string;
    teacher: boolean;
    hub: boolean;
    service: boolean;
    /** false when the visitor is not this server's owner (admin access, sharing) */
    owner?: boolean;
  }

  /** A student (or teacher) as the service lists them: hub and system state merged. */
  export interface IStudent {
    name: string;
    full_name: string | null;
    teacher: boolean;
    locked: boolean;
    system_account: boolean;
    hub_user: boolean;
    server_running: boolean;
    last_activity: string | null;
    home: string;
  }

  /** GET admin/users */
  export interface IUserList {
    users: IStudent[];
  }

  /** A password, shown once. */
  export interface ICredentials {
    name: string;
    password: string;
    generated: boolean;
    full_name: string | null;
  }

  export interface ICredentialsReply {
    credentials: ICredentials;
  }

  /** The outcome of one change (changed = false means "nothing to change"). */
  export interface IChange {
    name: string;
    action: string;
    changed: boolean;
    message: string;
    archive?: string | null;
  }

  /** One row of a roster preview. */
  export interface IPreviewRow {
    line: number;
    input: {
      username: string | null;
      full_name: string | null;
      password_given: boolean;
      /** Present only if the server echoes it (never stored). */
      password?: string;
    };
    /** null when the row is refused */
    username: string | null;
    suggested: string | null;
    action: 'create' | 'exists' | 'refuse';
    reason: string;
  }

  export interface IPreview {
    rows: IPreviewRow[];
    summary: { [key: string]: number };
  }

  /** One row sent to roster/apply. */
  export interface IApplyRow {
    username: string;
    full_name?: string;
    password?: string;
  }

  export interface IJobProgress {
    message: string;
    fraction: number | null;
    time: string | number;
  }

  export interface IJob<T = any> {
    id: string;
    kind: string;
    state: 'running' | 'done' | 'failed';
    progress: IJobProgress[];
    result: T | null;
    error: string | null;
  }

  /** The result of a roster job, per row; passwords are shown once. */
  export interface IApplyResultRow {
    username: string;
    full_name: string | null;
    ok: boolean;
    password?: string | null;
    generated?: boolean;
    message: string;
  }

  export interface IApplyResult {
    results: IApplyResultRow[];
  }

  /** One notebook in a student's ~/notebooks (GET admin/users/NAME/notebooks). */
  export interface INotebookEntry {
    /** relative to ~/notebooks, '/'-separated */
    path: string;
    name: string;
    size: number;
    /** ISO 8601 */
    modified: string;
  }

  export interface INotebookListing {
    student: string;
    notebooks: INotebookEntry[];
    /** a limit (count, depth, entries looked at) cut the listing short */
    truncated: boolean;
    /** symlinks, special files and files not owned by the student that were left out */
    skipped: number;
  }

  /** GET admin/users/NAME/notebooks/content?path=P: every cell `metadata.trusted = false`. */
  export interface INotebookCopy {
    student: string;
    path: string;
    size: number;
    modified: string;
    notebook: any;
  }

  /** What the sidebar needs to know about the page it runs in. */
  export interface IHubLinks {
    /** The URL of a user's JupyterLab (admin access). */
    userLab(name: string): string;
  }
}
