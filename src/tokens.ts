import { IBrokerSettings } from './mqtt/fill';

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
    /** whose server this is (under a hub) */
    server_owner?: string;
    /** whether the school shows a visitor whose server it is */
    show_server_owner?: boolean;
  }

  /** A credentials sheet the service keeps for the teacher who made it (30 minutes). */
  export interface IKeptSheetSummary {
    kind: 'import' | 'passwords';
    /** ISO time when it is shredded */
    expires: string;
    count: number;
  }

  export interface IKeptSheet extends IKeptSheetSummary {
    created: string;
    credentials: ICredentials[];
  }

  /** The reply of "new passwords" for a selection: one sheet, kept like an import's. */
  export interface INewPasswordsReply {
    credentials: ICredentials[];
    kept: IKeptSheetSummary | null;
  }

  /** The school defaults (installer options, the sidebar). */
  export interface ISchoolDefaults {
    news_prompt: boolean;
    student_extension_manager: boolean;
    show_server_owner: boolean;
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
    /** the classes (hub groups marked as classes) the student is in */
    classes?: string[];
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

  /**
   * The outcome of one change (changed = false means "nothing to change"), for every area:
   * students, jars, Python libraries, kernels.
   */
  export interface IChange {
    name: string;
    action: string;
    changed: boolean;
    message: string;
    /** where a removed home or file was archived */
    archive?: string | null;
    /** kernels whose running instances must restart (class path changes) */
    restart?: string[];
    details?: {
      running?: { kernel: string; pid: number; user: string | null }[];
    };
  }

  /** One row of a roster preview. */
  export interface IPreviewRow {
    line: number;
    input: {
      username: string | null;
      full_name: string | null;
      first_name?: string | null;
      last_name?: string | null;
      password_given: boolean;
    };
    /** null when the row is refused */
    username: string | null;
    suggested: string | null;
    action: 'create' | 'exists' | 'refuse';
    reason: string;
    /** the class the file gives */
    class_name: string | null;
    /** the student's ID in the school software, if the file has one */
    external_id: string | null;
    /** the file's password (only in the uploader's own preview) */
    password?: string;
  }

  export interface IPreview {
    rows: IPreviewRow[];
    summary: { [key: string]: number };
    /** the classes the file names */
    classes: string[];
  }

  /** A field of a roster row that a column can hold. */
  export type RosterField =
    | 'username'
    | 'full_name'
    | 'first_name'
    | 'last_name'
    | 'password'
    | 'class_name'
    | 'external_id';

  /** One column of an uploaded roster file. */
  export interface IRosterColumn {
    index: number;
    title: string;
    /** what it is read as (a RosterField, or email/birth_date/gender: never read), or null */
    field: string | null;
    /** the first values (none for personal data that is never read) */
    samples: string[];
  }

  /**
   * POST admin/roster/uploads (the file's bytes) and admin/roster/uploads/ID/preview: how the
   * file was read and, once its columns are known, the preview.
   */
  export interface IRosterUpload extends Partial<IPreview> {
    upload: string;
    filename: string;
    mapping_needed: boolean;
    encoding: string;
    delimiter: string;
    columns: IRosterColumn[];
    mapping?: { [field: string]: number };
    mapped_by_hand?: boolean;
    /** with mapping_needed: the fields a column can be mapped to */
    fields?: RosterField[];
    /** with mapping_needed: what the teacher is asked */
    message?: string;
  }

  /** The teacher's username for the row on a line of the file. */
  export interface IRosterEdit {
    line: number;
    username: string;
  }

  export interface IRosterPreviewRequest {
    mapping?: { [field: string]: number };
    edits?: IRosterEdit[];
  }

  export interface IRosterApplyRequest {
    edits?: IRosterEdit[];
    /** create the acceptable rows even if others are refused */
    skip_refused?: boolean;
  }

  /** A finished import: its job (for the credentials sheet) and its result. */
  export interface IImportDone {
    job: string;
    result: IApplyResult;
  }

  /** POST admin/roster/credentials */
  export interface ICredentialsSheetRequest {
    rows: {
      username: string;
      full_name: string | null;
      password: string;
      class_name?: string | null;
    }[];
    format: 'csv' | 'html';
    /** the UI language (de: German words, ';' between fields) */
    language: string;
    login_url: string;
  }

  export interface ICredentialsSheet {
    filename: string;
    format: 'csv' | 'html';
    count: number;
    content: string;
  }

  export interface IJobProgress {
    message: string;
    fraction: number | null;
    time: string | number;
  }

  /** The error of a failed job (and of every refused request): `{message, code}`. */
  export interface IErrorReply {
    message: string;
    code: string;
  }

  /** GET admin/jobs/ID (the service's /api/v1/jobs/{id}). */
  export interface IJob<T = any> {
    id: string;
    kind: string;
    state: 'running' | 'done' | 'failed';
    progress: IJobProgress[];
    result: T | null;
    error: IErrorReply | null;
  }

  /** A route that starts a job answers its id. */
  export interface IJobStarted {
    job: string;
  }

  /** Called with the latest progress of a running job. */
  export type ProgressCallback = (
    message: string,
    fraction: number | null
  ) => void;

  /** The result of a roster job, per row; passwords are shown once. */
  export interface IApplyResultRow {
    username: string;
    full_name: string | null;
    ok: boolean;
    password?: string | null;
    generated?: boolean;
    message: string;
    class_name?: string | null;
  }

  export interface IApplyResult {
    results: IApplyResultRow[];
    /** the passwords are kept for this teacher until then (GET credentials/last) */
    kept?: IKeptSheetSummary | null;
  }

  /** What a re-import does to one student (POST admin/class-sync/preview). */
  export type SyncStatus =
    'new' | 'unchanged' | 'moved' | 'gone' | 'ambiguous' | 'refused';

  export interface ISyncItem {
    status: SyncStatus;
    /** the file's line (null for `gone`: no row names the student) */
    line: number | null;
    username: string | null;
    full_name: string | null;
    /** the class the file puts the student in */
    class_to: string | null;
    /** the imported classes the student leaves (moved) or was in (gone) */
    class_from: string[];
    external_id: string | null;
    reason: string;
    candidates: string[];
  }

  /** The sync plan of an uploaded export: nothing changed yet. */
  export interface ISyncPlan {
    items: ISyncItem[];
    /** the classes the file names */
    classes: string[];
    /** those of them that do not exist yet */
    new_classes: string[];
    summary: { [status: string]: number };
  }

  /** POST admin/class-sync/apply: the upload, and the students no longer listed to remove. */
  export interface ISyncApplyRequest {
    upload: string;
    remove: string[];
  }

  /** A removed student of a sync: the archive of the home. */
  export interface ISyncRemoved {
    name: string;
    archive: string | null;
    message: string;
  }

  /** The result of a sync job: the new students as an import's rows, and the removals. */
  export interface ISyncResult extends IApplyResult {
    plan: ISyncPlan;
    removed: ISyncRemoved[];
    failed: string[];
    messages: string[];
  }

  /** A finished sync: its job (the credentials sheet again) and its result. */
  export interface ISyncDone {
    job: string;
    result: ISyncResult;
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

  /** POST admin/users */
  export interface INewStudent {
    name: string;
    full_name?: string;
    password?: string;
  }

  /** A shared jar (GET admin/jars). */
  export interface IJar {
    file: string;
    size: number;
    sha256: string;
    coords: string | null;
    /** the kernels that have it on their class path */
    kernels: string[];
  }

  export interface IJarList {
    jars: IJar[];
    trash: string[];
    folder: string;
  }

  /** POST admin/jars/maven (a job answering {changes}) */
  export interface IMavenRequest {
    coords: string;
    with_dependencies: boolean;
    repository?: string;
  }

  export interface IChanges {
    changes: IChange[];
  }

  /** POST admin/jars/upload */
  export interface IJarUpload {
    filename: string;
    data_base64: string;
  }

  /** A shared Python package (GET admin/pylibs). */
  export interface IPyLib {
    name: string;
    version: string;
  }

  export interface IPyLibList {
    packages: IPyLib[];
    folder: string;
    /** removed packages that can be restored */
    trash: string[];
  }

  /** A kernelspec students see (GET admin/kernels). */
  export interface IKernel {
    name: string;
    display_name: string;
    language: string;
    location: string;
    env: { [key: string]: string };
    classpath: string[];
    kind: string;
    shadowed: boolean;
  }

  export interface IKernelList {
    kernels: IKernel[];
    /** removed kernelspecs that can be restored */
    trash: string[];
  }

  /** The result of a kernel test job. */
  export interface IKernelTest {
    name: string;
    ok: boolean;
    seconds_to_ready: number | null;
    output: string;
    error: string | null;
  }

  export interface IKernelTests {
    results: IKernelTest[];
  }

  /** The kernels the Kernels section can install. */
  export type KernelKind = 'python' | 'java' | 'r';

  /** The class broker (GET/PUT admin/broker, GET broker). */
  export interface IClassBroker extends IBrokerSettings {
    hasPassword?: boolean;
  }

  export interface IBrokerReply {
    settings: IClassBroker;
  }

  export interface IBrokerSaved {
    changed: boolean;
    settings: IClassBroker;
  }

  /** POST admin/broker/test */
  export interface IBrokerTest {
    ok: boolean;
    stage: string;
    message: string;
    topic: string;
    connect_ms: number | null;
    roundtrip_ms: number | null;
  }

  /** An MQTT snippet (GET snippets). */
  export interface ISnippet {
    name: string;
    language: string;
    title: string;
    description: string;
    order: number;
    body: string;
    source: 'package' | 'class';
  }

  /** A notebook template (GET templates). */
  export interface ITemplate {
    name: string;
    title: string;
    description: string;
    language: string;
    kernel: string;
    source: 'package' | 'class';
    /** 'de' when the German version is served (asked with `locale`), else '' */
    translation?: string;
  }

  export interface ITemplateContent {
    template: ITemplate;
    notebook: any;
  }

  /** POST admin/snippets */
  export interface INewSnippet {
    language: string;
    name: string;
    title: string;
    description: string;
    body: string;
  }

  /** POST admin/templates */
  export interface INewTemplate {
    name: string;
    title: string;
    description: string;
    notebook: any;
  }

  /** POST admin/snippets and admin/templates */
  export interface ISaved {
    changed: boolean;
    path: string;
  }

  /** The idle timeouts as the classroom service stores them (seconds; 0: never). */
  export interface IIdleTimeouts {
    kernel_idle_seconds: number;
    server_idle_seconds: number;
  }

  /** PUT admin/culling */
  export interface IIdleTimeoutsSaved {
    changed: boolean;
    timeouts: IIdleTimeouts;
  }

  /** About how many active students with Java this host carries (GET admin/capacity). */
  export interface ICapacity {
    students: number;
    memory_mb: number;
    per_student_mb: number;
    classroom_jvm: boolean;
  }

  /** What the sidebar needs to know about the page it runs in. */
  export interface IHubLinks {
    /** The URL of a user's JupyterLab (admin access). */
    userLab(name: string): string;
  }

  // ---------------------------------------------------------------- lesson (issue 13)

  /** One kernel of a student, from the host's process table (GET admin/live). */
  export interface ILiveKernel {
    id: string;
    language: string;
    /** 'busy' (running a cell, or using CPU) or 'idle' */
    state: string;
    cpu_percent: number | null;
    memory_mb: number;
    pids: number[];
  }

  /** The last error output in a student's newest notebook. */
  export interface ILiveError {
    notebook: string;
    ename: string;
    evalue: string;
    modified: string;
  }

  /** One student in the class live panel. */
  export interface ILiveStudent {
    name: string;
    online: boolean;
    last_activity: string | null;
    server_running: boolean;
    server_ready: boolean;
    server_pending: string | null;
    server_started: string | null;
    memory_mb: number;
    processes: number;
    kernels: ILiveKernel[];
    last_error: ILiveError | null;
  }

  /** GET admin/live?class=NAME */
  export interface IClassLive {
    class: string | null;
    time: string;
    students: ILiveStudent[];
    timings: { [key: string]: number };
  }

  /** What happened to one file for one student. */
  export interface IHandoutFile {
    path: string;
    /** written, suffixed (the student's own file kept), unchanged, updated */
    outcome: string;
    written_as: string;
  }

  /** The hand-out, collect or return for one student. */
  export interface IStudentOutcome {
    student: string;
    /** handed_out, unchanged, collected, missing, refused, failed */
    outcome: string;
    message: string;
    files: IHandoutFile[];
    skipped: string[];
  }

  /** POST admin/handouts: what to hand out to whom. */
  export interface IHandoutRequest {
    /** a path below the teacher's ~/notebooks, or template:NAME */
    source: string;
    /** the teacher's UI language: a template is handed out in it where translated */
    locale?: string;
    assignment?: string;
    classes?: string[];
    students?: string[];
    again?: boolean;
  }

  /** The result of a hand-out job. */
  export interface IHandoutResult {
    assignment: string;
    source: string;
    classes: string[];
    files: string[];
    students: IStudentOutcome[];
    counts: { [outcome: string]: number };
  }

  /** The result of a collect job. */
  export interface ICollectResult {
    assignment: string;
    label: string;
    /** the teacher's folder, relative to their ~/notebooks */
    folder: string;
    time: string;
    students: IStudentOutcome[];
    missing: string[];
  }

  /** GET admin/handouts: one remembered assignment. */
  export interface IAssignment {
    name: string;
    source: string;
    teacher: string;
    classes: string[];
    students: string[];
    files: string[];
    updated: string;
    delivered: number;
  }

  // ---------------------------------------------------------------- classes

  /** One class: a hub group and a unix group of the same name. */
  export interface IClassInfo {
    name: string;
    members: string[];
    unix_group: boolean;
    gid: number | null;
  }

  /** GET admin/classes */
  export interface IClassList {
    classes: IClassInfo[];
  }

  /** The outcome of a change to a class (create, members, rename). */
  export interface IClassChange {
    name: string;
    action: string;
    changed: boolean;
    message: string;
    added: string[];
    removed: string[];
  }

  /** What an action over a whole class did to one student. */
  export interface IClassMemberResult {
    name: string;
    ok: boolean;
    changed: boolean;
    message: string;
    archive: string | null;
  }

  /** The result of an action over a whole class (a job). */
  export interface IClassResult {
    name: string;
    action: string;
    members: IClassMemberResult[];
    credentials: ICredentials[];
    summary: string;
    /** new passwords only: the credentials sheet made by the service */
    csv?: string;
    html?: string;
  }

  /** The result of a class export job: the archive's file name and size in bytes. */
  export interface IClassExport {
    export: string;
    size: number;
  }

  /** The actions over every student of a class that run as a job. */
  export type ClassAction = 'disable' | 'enable' | 'start' | 'stop';
}
