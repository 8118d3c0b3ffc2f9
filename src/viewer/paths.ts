/**
 * Paths of the read-only viewer's drive (`classroom-view:`).
 *
 * A student's notebook `week1/ex.ipynb` of student `lea` is shown at
 * `classroom-view:lea/week1/lea: ex.ipynb`. JupyterLab titles a document with the last path
 * segment (and resets any other title), so the segment itself says whose notebook it is.
 */

/** The drive's name (the part before the colon). */
export const VIEWER_DRIVE = 'classroom-view';

/** The viewer path of `relPath` (relative to the student's ~/notebooks). */
export function viewerPath(student: string, relPath: string): string {
  const segments = relPath.split('/');
  const last = segments.pop() ?? '';
  return `${VIEWER_DRIVE}:${[student, ...segments, `${student}: ${last}`].join('/')}`;
}

/**
 * The student and the path relative to their ~/notebooks of a drive-local viewer path
 * (`lea/week1/lea: ex.ipynb`), or null if it is not one.
 */
export function parseViewerPath(
  localPath: string
): { student: string; path: string } | null {
  const segments = localPath.split('/');
  if (segments.length < 2) {
    return null;
  }
  const student = segments[0];
  const prefix = `${student}: `;
  const last = segments[segments.length - 1];
  if (!student || !last.startsWith(prefix) || last.length === prefix.length) {
    return null;
  }
  const rel = [...segments.slice(1, -1), last.slice(prefix.length)];
  if (rel.some(s => s === '' || s === '.' || s === '..')) {
    return null;
  }
  return { student, path: rel.join('/') };
}
